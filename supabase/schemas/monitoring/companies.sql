-- Looker Studio: company names, to blend with the other views on company_id.
create or replace view monitoring.companies with (security_barrier = true, security_invoker = true) as
select
    c.id as company_id,
    c.name,
    c.slug,
    c.created_at
from app.companies as c
where
    (select monitoring.sees_all(current_user))
    or c.id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(c.id);
revoke all on table monitoring.companies from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.companies to service_role;
grant select on table monitoring.companies to authenticated;
