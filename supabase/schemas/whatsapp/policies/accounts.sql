-- Row-level security policies on whatsapp.accounts.

drop policy if exists "Members can read their WhatsApp accounts" on whatsapp.accounts;
create policy "Members can read their WhatsApp accounts" on whatsapp.accounts
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
