-- Row-level security policies on monitoring.company_counters.

drop policy if exists "Members can read their companies' counters" on monitoring.company_counters;
create policy "Members can read their companies' counters" on monitoring.company_counters
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
