-- Row-level security policies on tracking.allowed_origins.

drop policy if exists "Marketing admins can manage their allowed origins" on tracking.allowed_origins;
create policy "Marketing admins can manage their allowed origins" on tracking.allowed_origins
for all to authenticated
using (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []))
with check (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));

drop policy if exists "Members can read their allowed origins" on tracking.allowed_origins;
create policy "Members can read their allowed origins" on tracking.allowed_origins
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
