-- Row-level security policies on delivery.breakers.

drop policy if exists "Members can read the Meta breaker and their pixels' breakers" on delivery.breakers;
create policy "Members can read the Meta breaker and their pixels' breakers" on delivery.breakers
for select to authenticated using (company_id is null or company_id = any((select app.my_company_ids())::uuid []));
