-- Row-level security policies on tracking.event_keys.

drop policy if exists "Members can read their event keys" on tracking.event_keys;
create policy "Members can read their event keys" on tracking.event_keys
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
