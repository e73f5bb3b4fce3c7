-- Row-level security policies on revenue.settings.

drop policy if exists "Marketing admins can change their revenue settings" on revenue.settings;
create policy "Marketing admins can change their revenue settings" on revenue.settings
for update to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));

drop policy if exists "Members can read their revenue settings" on revenue.settings;
create policy "Members can read their revenue settings" on revenue.settings
for select to authenticated using (app.has_company_access(company_id));
