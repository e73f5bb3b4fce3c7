-- Row-level security policies on setup.sessions.

drop policy if exists "Members can read their setup session" on setup.sessions;
create policy "Members can read their setup session" on setup.sessions
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
