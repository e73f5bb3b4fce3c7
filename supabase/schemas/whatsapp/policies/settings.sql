-- Row-level security policies on whatsapp.settings.

drop policy if exists "Marketing admins can change their WhatsApp settings" on whatsapp.settings;
create policy "Marketing admins can change their WhatsApp settings" on whatsapp.settings
for update to authenticated
using (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []))
with check (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));

drop policy if exists "Marketing admins can create their WhatsApp settings" on whatsapp.settings;
create policy "Marketing admins can create their WhatsApp settings" on whatsapp.settings
for insert to authenticated with check (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));

drop policy if exists "Members can read their WhatsApp settings" on whatsapp.settings;
create policy "Members can read their WhatsApp settings" on whatsapp.settings
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
