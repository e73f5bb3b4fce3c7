-- Row-level security policies on tracking.rejected_requests.

drop policy if exists "Members can read their rejected requests" on tracking.rejected_requests;
create policy "Members can read their rejected requests" on tracking.rejected_requests
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
