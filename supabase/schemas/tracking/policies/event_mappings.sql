-- Row-level security policies on tracking.event_mappings.

drop policy if exists "Marketing admins can manage their event mappings" on tracking.event_mappings;
create policy "Marketing admins can manage their event mappings" on tracking.event_mappings
for all to authenticated
using (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []))
with check (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));

drop policy if exists "Members can read default and own event mappings" on tracking.event_mappings;
create policy "Members can read default and own event mappings" on tracking.event_mappings
for select to authenticated using (company_id is null or company_id = any((select app.my_company_ids())::uuid []));
