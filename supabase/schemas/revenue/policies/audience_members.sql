-- Row-level security policies on revenue.audience_members.

drop policy if exists "Marketing admins can read their audience members" on revenue.audience_members;
create policy "Marketing admins can read their audience members" on revenue.audience_members
for select to authenticated using (app.has_company_access(company_id, 'marketing_admin'));
