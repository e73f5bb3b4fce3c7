-- Row-level security policies on tracking.visitors.

drop policy if exists "Members can read their visitors" on tracking.visitors;
create policy "Members can read their visitors" on tracking.visitors
for select to authenticated using (app.has_company_access(company_id));
