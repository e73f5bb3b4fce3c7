-- Row-level security policies on monitoring.duplicates.

drop policy if exists "Members can read their duplicates" on monitoring.duplicates;
create policy "Members can read their duplicates" on monitoring.duplicates
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
