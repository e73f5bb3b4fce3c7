-- Row-level security policies on app.company_members.

drop policy if exists "Backoffice admins can add members" on app.company_members;
create policy "Backoffice admins can add members" on app.company_members
for insert to authenticated with check (app.has_company_access(company_id, 'backoffice_admin'));

drop policy if exists "Backoffice admins can change members" on app.company_members;
create policy "Backoffice admins can change members" on app.company_members
for update to authenticated
using (app.has_company_access(company_id, 'backoffice_admin'))
with check (app.has_company_access(company_id, 'backoffice_admin'));

drop policy if exists "Backoffice admins can remove members" on app.company_members;
create policy "Backoffice admins can remove members" on app.company_members
for delete to authenticated using (app.has_company_access(company_id, 'backoffice_admin'));

drop policy if exists "Members can read the members of their companies" on app.company_members;
create policy "Members can read the members of their companies" on app.company_members
for select to authenticated using (app.has_company_access(company_id));
