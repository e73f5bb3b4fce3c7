-- Looker Studio: company names, to blend with the other views on company_id.
create or replace view monitoring.companies with (security_barrier = true) as
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
