-- Row-level security policies on tracking.allowed_origins.

drop policy if exists "Marketing admins can manage their allowed origins" on tracking.allowed_origins;
create policy "Marketing admins can manage their allowed origins" on tracking.allowed_origins
for all to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));

drop policy if exists "Members can read their allowed origins" on tracking.allowed_origins;
create policy "Members can read their allowed origins" on tracking.allowed_origins
for select to authenticated using (app.has_company_access(company_id));
