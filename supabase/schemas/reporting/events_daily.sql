-- Looker Studio: events per BRT day by source and current status (monitoring.events_daily, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.events_daily with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.events_daily);
revoke all on table reporting.events_daily from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.events_daily to looker_reader, service_role;
