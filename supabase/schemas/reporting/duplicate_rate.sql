-- Looker Studio: new events vs duplicates per BRT day and source (monitoring.duplicate_rate, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.duplicate_rate with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.duplicate_rate);
revoke all on table reporting.duplicate_rate from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.duplicate_rate to looker_reader, service_role;
