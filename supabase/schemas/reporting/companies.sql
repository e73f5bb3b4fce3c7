-- Looker Studio: company names and slugs, to blend on company_id (monitoring.companies, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.companies with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.companies);
revoke all on table reporting.companies from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.companies to looker_reader, service_role;
