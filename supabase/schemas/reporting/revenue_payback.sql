-- Looker Studio: payback per monthly cohort (monitoring.revenue_payback, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.revenue_payback with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.revenue_payback);
revoke all on table reporting.revenue_payback from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.revenue_payback to looker_reader, service_role;
