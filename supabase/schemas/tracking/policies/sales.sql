-- Row-level security policies on tracking.sales.

drop policy if exists "Members can read their sales" on tracking.sales;
create policy "Members can read their sales" on tracking.sales
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
