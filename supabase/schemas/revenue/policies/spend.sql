-- Row-level security policies on revenue.spend.

drop policy if exists "Members can read their spend" on revenue.spend;
create policy "Members can read their spend" on revenue.spend
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
