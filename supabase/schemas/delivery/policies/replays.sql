-- Row-level security policies on delivery.replays.

drop policy if exists "Members can read their replays" on delivery.replays;
create policy "Members can read their replays" on delivery.replays
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
