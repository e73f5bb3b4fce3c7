-- Row-level security policies on revenue.audience_members.

drop policy if exists "Marketing admins can read their audience members" on revenue.audience_members;
create policy "Marketing admins can read their audience members" on revenue.audience_members
for select to authenticated using (company_id = any((select app.my_company_ids('marketing_admin'))::uuid []));
