-- Row-level security policies on delivery.alerts.

drop policy if exists "Members can read Meta-wide alerts and their own" on delivery.alerts;
create policy "Members can read Meta-wide alerts and their own" on delivery.alerts
for select to authenticated using (company_id is null or app.has_company_access(company_id));
