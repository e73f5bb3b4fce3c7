-- Row-level security policies on app.secrets.

drop policy if exists "Backoffice admins can see which secrets exist" on app.secrets;
create policy "Backoffice admins can see which secrets exist" on app.secrets
for select to authenticated using (company_id = any((select app.my_company_ids('backoffice_admin'))::uuid []));
