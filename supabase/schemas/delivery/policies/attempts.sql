-- Row-level security policies on delivery.attempts.

drop policy if exists "Members can read their delivery attempts" on delivery.attempts;
create policy "Members can read their delivery attempts" on delivery.attempts
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
