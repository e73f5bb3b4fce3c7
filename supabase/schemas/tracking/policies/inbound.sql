-- Row-level security policies on tracking.inbound.

drop policy if exists "Members can read their inbound requests" on tracking.inbound;
create policy "Members can read their inbound requests" on tracking.inbound
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
