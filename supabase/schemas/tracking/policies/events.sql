-- Row-level security policies on tracking.events.

drop policy if exists "Members can read their events" on tracking.events;
create policy "Members can read their events" on tracking.events
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
