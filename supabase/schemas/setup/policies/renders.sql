-- Row-level security policies on setup.renders.

drop policy if exists "Members can read their rendered templates" on setup.renders;
create policy "Members can read their rendered templates" on setup.renders
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
