-- Row-level security policies on setup.steps.

drop policy if exists "Members can read their setup steps" on setup.steps;
create policy "Members can read their setup steps" on setup.steps
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
