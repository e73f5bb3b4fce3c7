-- Row-level security policies on delivery.breaker_changes.

drop policy if exists "Members can read Meta-wide breaker changes and their own" on delivery.breaker_changes;
create policy "Members can read Meta-wide breaker changes and their own" on delivery.breaker_changes
for select to authenticated using (company_id is null or company_id = any((select app.my_company_ids())::uuid []));
