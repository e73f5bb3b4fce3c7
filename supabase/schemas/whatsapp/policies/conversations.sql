-- Row-level security policies on whatsapp.conversations.

drop policy if exists "Members can read their WhatsApp conversations" on whatsapp.conversations;
create policy "Members can read their WhatsApp conversations" on whatsapp.conversations
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
