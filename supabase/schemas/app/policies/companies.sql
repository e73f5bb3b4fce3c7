-- Row-level security policies on app.companies.

drop policy if exists "Backoffice admins can update their companies" on app.companies;
create policy "Backoffice admins can update their companies" on app.companies
for update to authenticated
using (id = any((select app.my_company_ids('backoffice_admin'))::uuid []))
with check (id = any((select app.my_company_ids('backoffice_admin'))::uuid []));

drop policy if exists "Members can read their companies" on app.companies;
create policy "Members can read their companies" on app.companies
for select to authenticated using (id = any((select app.my_company_ids())::uuid []));
