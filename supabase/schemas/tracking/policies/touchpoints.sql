-- Row-level security policies on tracking.touchpoints.

drop policy if exists "Members can read their touchpoints" on tracking.touchpoints;
create policy "Members can read their touchpoints" on tracking.touchpoints
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
