-- Row-level security policies on revenue.attributions.

drop policy if exists "Members can read their attributions" on revenue.attributions;
create policy "Members can read their attributions" on revenue.attributions
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
