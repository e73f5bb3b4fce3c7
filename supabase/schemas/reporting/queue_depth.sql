-- Looker Studio: pgmq queues, depth and oldest message age (global readers only). monitoring.queue_depth runs with its owner's rights and filters rows
-- by the caller itself (current_user stays the login inside a view), so this view only re-exports it.
create or replace view reporting.queue_depth with (security_barrier = true) as
select * from monitoring.queue_depth;
revoke all on table reporting.queue_depth from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.queue_depth to looker_reader, service_role;
