-- Row-level security policies on delivery.replays.

drop policy if exists "Members can read their replays" on delivery.replays;
create policy "Members can read their replays" on delivery.replays
for select to authenticated using (app.has_company_access(company_id));
