-- Row-level security policies on revenue.audience_batches.

drop policy if exists "Members can read their audience batches" on revenue.audience_batches;
create policy "Members can read their audience batches" on revenue.audience_batches
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
