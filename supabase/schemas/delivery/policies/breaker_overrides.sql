-- Row-level security policies on delivery.breaker_overrides.

drop policy if exists "Members can read Meta-wide breaker overrides and their own" on delivery.breaker_overrides;
create policy "Members can read Meta-wide breaker overrides and their own" on delivery.breaker_overrides
for select to authenticated using (company_id is null or company_id = any((select app.my_company_ids())::uuid []));
