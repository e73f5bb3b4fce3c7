-- Row-level security policies on whatsapp.numbers.

drop policy if exists "Members can read their WhatsApp numbers" on whatsapp.numbers;
create policy "Members can read their WhatsApp numbers" on whatsapp.numbers
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
