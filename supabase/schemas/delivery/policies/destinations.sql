-- Row-level security policies on delivery.destinations.

drop policy if exists "Members can read their destinations" on delivery.destinations;
create policy "Members can read their destinations" on delivery.destinations
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
