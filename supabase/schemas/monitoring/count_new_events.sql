create or replace function monitoring.count_new_events() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, source, event_name, status, reason, bucket, n,
                                       amount)
  select monitoring.day_of(e.received_at), e.company_id, 'event', e.source, e.event_name, e.status,
         monitoring.event_reason(e.status, e.skip_reason, e.last_error), null::int, count(*), 0
  from new_events e
  group by 1, 2, 4, 5, 6, 7
  union all
  select monitoring.day_of(e.received_at), e.company_id, 'quality', null, null, null, null,
         pg_catalog.floor(e.match_quality)::int, count(*), sum(e.match_quality)
  from new_events e
  group by 1, 2, 8;
  return null;
end
$$;
revoke all on function monitoring.count_new_events() from public, anon, authenticated, service_role, looker_reader;
