-- Row-level security policies on tracking.endpoints.

drop policy if exists "Members can read their endpoints" on tracking.endpoints;
create policy "Members can read their endpoints" on tracking.endpoints
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
