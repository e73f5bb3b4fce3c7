-- Looker Studio: pgmq queues, depth and the age of the oldest message. Platform-wide, so only
-- readers that see every company get rows. Granted to no dashboard user; Looker reads reporting.queue_depth.
create or replace view monitoring.queue_depth with (security_barrier = true) as
select
    q.queue_name,
    q.queue_length,
    q.oldest_msg_age_s,
    q.newest_msg_age_s,
    q.total_messages,
    q.scrape_time
from monitoring.queue_metrics() as q
where (select monitoring.sees_all(current_user));
revoke all on table monitoring.queue_depth from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.queue_depth to service_role;
