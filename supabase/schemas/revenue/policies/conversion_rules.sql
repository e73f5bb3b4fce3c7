-- Row-level security policies on revenue.conversion_rules.

drop policy if exists "Marketing admins can add conversion rules" on revenue.conversion_rules;
create policy "Marketing admins can add conversion rules" on revenue.conversion_rules
for insert to authenticated with check (app.has_company_access(company_id, 'marketing_admin'));

drop policy if exists "Marketing admins can change conversion rules" on revenue.conversion_rules;
create policy "Marketing admins can change conversion rules" on revenue.conversion_rules
for update to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));

drop policy if exists "Marketing admins can remove conversion rules" on revenue.conversion_rules;
create policy "Marketing admins can remove conversion rules" on revenue.conversion_rules
for delete to authenticated using (app.has_company_access(company_id, 'marketing_admin'));

drop policy if exists "Members can read their conversion rules" on revenue.conversion_rules;
create policy "Members can read their conversion rules" on revenue.conversion_rules
for select to authenticated using (app.has_company_access(company_id));
