-- Looker Studio: Meta's fbtrace_id -> the request to Meta -> its events. monitoring.fbtrace_events runs with
-- its owner's rights and filters rows by the caller itself (current_user stays the login inside a view), so
-- this view only re-exports it, and a filter on fbtrace_id still reaches the index.
create or replace view reporting.fbtrace_events with (security_barrier = true) as
select * from monitoring.fbtrace_events;
revoke all on table reporting.fbtrace_events from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.fbtrace_events to looker_reader, service_role;
