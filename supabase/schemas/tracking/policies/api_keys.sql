-- Row-level security policies on tracking.api_keys.

drop policy if exists "Backoffice admins can read their api keys" on tracking.api_keys;
create policy "Backoffice admins can read their api keys" on tracking.api_keys
for select to authenticated using (company_id = any((select app.my_company_ids('backoffice_admin'))::uuid []));
