-- Row-level security policies on revenue.conversion_rules.

drop policy if exists "Marketing admins can add conversion rules" on revenue.conversion_rules;
create policy "Marketing admins can add conversion rules" on revenue.conversion_rules
for insert to authenticated with check (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));

drop policy if exists "Marketing admins can change conversion rules" on revenue.conversion_rules;
create policy "Marketing admins can change conversion rules" on revenue.conversion_rules
for update to authenticated
using (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []))
with check (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));

drop policy if exists "Marketing admins can remove conversion rules" on revenue.conversion_rules;
create policy "Marketing admins can remove conversion rules" on revenue.conversion_rules
for delete to authenticated using (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));

drop policy if exists "Members can read their conversion rules" on revenue.conversion_rules;
create policy "Members can read their conversion rules" on revenue.conversion_rules
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
