-- pgmq's figures without granting readers anything in pgmq.
create or replace function monitoring.queue_metrics()
returns table (
    queue_name text,
    queue_length bigint,
    oldest_msg_age_s int,
    newest_msg_age_s int,
    total_messages bigint,
    scrape_time timestamptz
)
language sql stable security definer
set search_path = ''
as $$
  select m.queue_name, m.queue_length, m.oldest_msg_age_sec, m.newest_msg_age_sec, m.total_messages, m.scrape_time
  from pgmq.metrics_all() m
$$;
revoke all on function monitoring.queue_metrics() from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.queue_metrics() to looker_reader, service_role;
