-- Row-level security policies on whatsapp.message_statuses.

drop policy if exists "Members can read their WhatsApp message statuses" on whatsapp.message_statuses;
create policy "Members can read their WhatsApp message statuses" on whatsapp.message_statuses
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
