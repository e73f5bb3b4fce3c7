-- Row-level security policies on revenue.settings.

drop policy if exists "Marketing admins can change their revenue settings" on revenue.settings;
create policy "Marketing admins can change their revenue settings" on revenue.settings
for update to authenticated
using (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []))
with check (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));

drop policy if exists "Members can read their revenue settings" on revenue.settings;
create policy "Members can read their revenue settings" on revenue.settings
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
