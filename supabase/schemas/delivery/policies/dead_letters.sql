-- Row-level security policies on delivery.dead_letters.

drop policy if exists "Members can read their dead letters" on delivery.dead_letters;
create policy "Members can read their dead letters" on delivery.dead_letters
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
