-- Looker Studio: Meta's fbtrace_id -> the request to Meta -> its events (monitoring.fbtrace_events, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.fbtrace_events with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.fbtrace_events);
revoke all on table reporting.fbtrace_events from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.fbtrace_events to looker_reader, service_role;
