-- Looker Studio: revenue, ROAS and CAC per month (monitoring.revenue_monthly, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.revenue_monthly with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.revenue_monthly);
revoke all on table reporting.revenue_monthly from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.revenue_monthly to looker_reader, service_role;
