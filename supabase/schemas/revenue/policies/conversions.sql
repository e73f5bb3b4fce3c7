-- Row-level security policies on revenue.conversions.

drop policy if exists "Members can read their conversions" on revenue.conversions;
create policy "Members can read their conversions" on revenue.conversions
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
