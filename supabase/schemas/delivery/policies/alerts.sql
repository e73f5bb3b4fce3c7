-- Row-level security policies on delivery.alerts.

drop policy if exists "Members can read Meta-wide alerts and their own" on delivery.alerts;
create policy "Members can read Meta-wide alerts and their own" on delivery.alerts
for select to authenticated using (company_id is null or company_id = any((select app.my_company_ids())::uuid []));
