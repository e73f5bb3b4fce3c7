-- Row-level security policies on app.companies.

drop policy if exists "Backoffice admins can update their companies" on app.companies;
create policy "Backoffice admins can update their companies" on app.companies
for update to authenticated
using (app.has_company_access(id, 'backoffice_admin'))
with check (app.has_company_access(id, 'backoffice_admin'));

drop policy if exists "Members can read their companies" on app.companies;
create policy "Members can read their companies" on app.companies
for select to authenticated using (app.has_company_access(id));
