-- Row-level security policies on monitoring.alerts.

drop policy if exists "Members can read their companies' alerts" on monitoring.alerts;
create policy "Members can read their companies' alerts" on monitoring.alerts
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
