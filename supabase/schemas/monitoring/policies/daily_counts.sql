-- Row-level security policies on monitoring.daily_counts.

drop policy if exists "Members can read their daily counts" on monitoring.daily_counts;
create policy "Members can read their daily counts" on monitoring.daily_counts
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
