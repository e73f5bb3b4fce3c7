-- Row-level security policies on whatsapp.messages.

drop policy if exists "Members can read their WhatsApp messages" on whatsapp.messages;
create policy "Members can read their WhatsApp messages" on whatsapp.messages
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
