-- Row-level security policies on revenue.audience_jobs.

drop policy if exists "Members can read their audience jobs" on revenue.audience_jobs;
create policy "Members can read their audience jobs" on revenue.audience_jobs
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
