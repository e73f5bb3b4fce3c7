-- Row-level security policies on tracking.gateways (the same rows for everyone: no company's data).

drop policy if exists "Signed-in users can read the gateways" on tracking.gateways;
create policy "Signed-in users can read the gateways" on tracking.gateways
for select to authenticated using (true);
