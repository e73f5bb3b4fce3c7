-- Looker Studio: requests to Meta per BRT day by outcome and error, with their share (monitoring.error_rate, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.error_rate with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.error_rate);
revoke all on table reporting.error_rate from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.error_rate to looker_reader, service_role;
