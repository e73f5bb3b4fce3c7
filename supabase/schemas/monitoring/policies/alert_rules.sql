-- Row-level security policies on monitoring.alert_rules.

drop policy if exists "Members can read the default alert rules and their own" on monitoring.alert_rules;
create policy "Members can read the default alert rules and their own" on monitoring.alert_rules
for select to authenticated using (company_id is null or company_id = any((select app.my_company_ids())::uuid []));
