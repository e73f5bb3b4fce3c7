-- Row-level security policies on whatsapp.sales.

drop policy if exists "Members can read their WhatsApp sales" on whatsapp.sales;
create policy "Members can read their WhatsApp sales" on whatsapp.sales
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
