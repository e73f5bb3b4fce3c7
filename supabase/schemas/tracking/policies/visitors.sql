-- Row-level security policies on tracking.visitors.

drop policy if exists "Members can read their visitors" on tracking.visitors;
create policy "Members can read their visitors" on tracking.visitors
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
