create or replace function monitoring.count_changed_events() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, source, event_name, status, reason, n)
  select x.day, x.company_id, 'event', x.source, x.event_name, x.status, x.reason, sum(x.n)
  from (
    select monitoring.day_of(o.received_at) as day, o.company_id, o.source, o.event_name, o.status,
           monitoring.event_reason(o.status, o.skip_reason, o.last_error) as reason, -1 as n
    from old_events o join new_events v on v.id = o.id
    where (o.status, monitoring.event_reason(o.status, o.skip_reason, o.last_error), o.received_at, o.company_id,
           o.source, o.event_name)
          is distinct from (v.status, monitoring.event_reason(v.status, v.skip_reason, v.last_error), v.received_at,
                            v.company_id, v.source, v.event_name)
    union all
    select monitoring.day_of(v.received_at), v.company_id, v.source, v.event_name, v.status,
           monitoring.event_reason(v.status, v.skip_reason, v.last_error), 1
    from old_events o join new_events v on v.id = o.id
    where (o.status, monitoring.event_reason(o.status, o.skip_reason, o.last_error), o.received_at, o.company_id,
           o.source, o.event_name)
          is distinct from (v.status, monitoring.event_reason(v.status, v.skip_reason, v.last_error), v.received_at,
                            v.company_id, v.source, v.event_name)
  ) x
  group by x.day, x.company_id, x.source, x.event_name, x.status, x.reason
  having sum(x.n) <> 0;
  return null;
end
$$;
revoke all on function monitoring.count_changed_events() from public, anon, authenticated, service_role, looker_reader;
