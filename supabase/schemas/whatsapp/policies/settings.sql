-- Row-level security policies on whatsapp.settings.

drop policy if exists "Marketing admins can change their WhatsApp settings" on whatsapp.settings;
create policy "Marketing admins can change their WhatsApp settings" on whatsapp.settings
for update to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));

drop policy if exists "Marketing admins can create their WhatsApp settings" on whatsapp.settings;
create policy "Marketing admins can create their WhatsApp settings" on whatsapp.settings
for insert to authenticated with check (app.has_company_access(company_id, 'marketing_admin'));

drop policy if exists "Members can read their WhatsApp settings" on whatsapp.settings;
create policy "Members can read their WhatsApp settings" on whatsapp.settings
for select to authenticated using (app.has_company_access(company_id));
