-- Row-level security policies on whatsapp.contacts.

drop policy if exists "Members can read their WhatsApp contacts" on whatsapp.contacts;
create policy "Members can read their WhatsApp contacts" on whatsapp.contacts
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
