-- Row-level security policies on monitoring.company_counters.

drop policy if exists "Members can read their companies' counters" on monitoring.company_counters;
create policy "Members can read their companies' counters" on monitoring.company_counters
for select to authenticated using (app.has_company_access(company_id));
