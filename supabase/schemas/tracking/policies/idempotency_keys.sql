-- Row-level security policies on tracking.idempotency_keys.

drop policy if exists "Members can read their idempotency keys" on tracking.idempotency_keys;
create policy "Members can read their idempotency keys" on tracking.idempotency_keys
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
