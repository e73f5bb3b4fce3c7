-- Row-level security policies on app.company_members.

drop policy if exists "Backoffice admins can add members" on app.company_members;
create policy "Backoffice admins can add members" on app.company_members
for insert to authenticated with check (company_id = any((select app.my_company_ids('backoffice_admin'))::uuid []));

drop policy if exists "Backoffice admins can change members" on app.company_members;
create policy "Backoffice admins can change members" on app.company_members
for update to authenticated
using (company_id = any((select app.my_company_ids('backoffice_admin'))::uuid []))
with check (company_id = any((select app.my_company_ids('backoffice_admin'))::uuid []));

drop policy if exists "Backoffice admins can remove members" on app.company_members;
create policy "Backoffice admins can remove members" on app.company_members
for delete to authenticated using (company_id = any((select app.my_company_ids('backoffice_admin'))::uuid []));

drop policy if exists "Members can read the members of their companies" on app.company_members;
create policy "Members can read the members of their companies" on app.company_members
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
