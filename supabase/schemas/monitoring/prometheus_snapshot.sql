-- What /metrics exposes from the database (the dispatcher runs in another process, so its figures
-- come from here at scrape time). One round trip; labels as jsonb.
create or replace function monitoring.prometheus_snapshot()
returns table (metric text, labels jsonb, value double precision)
language sql stable
security definer
set search_path = ''
as $$
  select 'queue_depth', pg_catalog.jsonb_build_object('queue', q.queue_name), q.queue_length::float8
  from monitoring.queue_metrics() q
  union all
  select 'queue_oldest_message_age_seconds', pg_catalog.jsonb_build_object('queue', q.queue_name),
         coalesce(q.oldest_msg_age_s, 0)::float8
  from monitoring.queue_metrics() q
  union all
  select 'breakers', pg_catalog.jsonb_build_object('scope', s.scope, 'state', s.state),
         (select count(*) from delivery.breakers b where b.scope = s.scope and b.state = s.state)::float8
  from (values ('meta'), ('destination')) sc (scope)
  cross join lateral (
    select sc.scope, st.state from (values ('closed'), ('open'), ('half_open')) st (state)
  ) s
  union all
  select 'dispatch_attempts_total', pg_catalog.jsonb_build_object('outcome', c.status), sum(c.n)::float8
  from monitoring.all_counts c where c.metric = 'attempt' group by c.status
  union all
  select 'dispatch_events_total', pg_catalog.jsonb_build_object('outcome', c.status), sum(c.units)::float8
  from monitoring.all_counts c where c.metric = 'attempt' group by c.status
  union all
  select 'meta_latency_ms_bucket', pg_catalog.jsonb_build_object('le', c.bucket), sum(c.n)::float8
  from monitoring.all_counts c where c.metric = 'latency' group by c.bucket
  union all
  select 'events', pg_catalog.jsonb_build_object('source', c.source, 'status', c.status), sum(c.n)::float8
  from monitoring.all_counts c where c.metric = 'event' group by c.source, c.status having sum(c.n) <> 0
  union all
  select 'dead_letters_open', '{}'::jsonb, count(*)::float8 from delivery.dead_letters l where l.replayed_at is null
  union all
  select 'alerts_firing', pg_catalog.jsonb_build_object('code', a.code, 'severity', a.severity), count(*)::float8
  from monitoring.alerts a where a.status = 'firing' group by a.code, a.severity
$$;
revoke all on function monitoring.prometheus_snapshot() from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.prometheus_snapshot() to service_role;
