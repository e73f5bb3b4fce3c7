create or replace function monitoring.count_attempts() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, status, reason, code, bucket, n, units, received)
  select monitoring.day_of(a.attempted_at), a.company_id, 'attempt', a.outcome,
         case when a.outcome <> 'sent' then coalesce(r.reason, a.failure, 'http_' || a.http_status) end,
         a.error_code, null::int, count(*), sum(a.event_count), coalesce(sum(a.events_received), 0)
  from new_attempts a
  left join delivery.error_rules r on r.id = a.rule_id
  group by 1, 2, 4, 5, 6
  union all
  select monitoring.day_of(a.attempted_at), a.company_id, 'latency', null, null, null,
         monitoring.latency_bucket(a.latency_ms), count(*), 0, 0
  from new_attempts a
  where a.latency_ms is not null
  group by 1, 2, 7;
  return null;
end
$$;
revoke all on function monitoring.count_attempts() from public, anon, authenticated, service_role, looker_reader;
