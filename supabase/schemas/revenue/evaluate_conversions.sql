-- After each statement that adds events: one join of the new events with the companies' active rules
-- (most companies have none, so most batches find nothing). Events these rules emit (source
-- custom_conversion) are not evaluated again, so rules cannot loop.
create or replace function revenue.evaluate_conversions() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  hit record;
  val numeric;
  emitted bigint;
begin
  for hit in
    select e.*, r.id as rule_id, r.min_value, r.custom_data_contains, r.action, r.emit_event_name
    from new_events as e
    join revenue.conversion_rules as r
      on r.company_id = e.company_id and r.event_name = e.event_name and r.active
    where e.source <> 'custom_conversion'
    order by e.id, r.id
  loop
    val := case when hit.custom_data ->> 'value' ~ '^-?[0-9]+(\.[0-9]+)?$' then (hit.custom_data ->> 'value')::numeric end;
    continue when hit.min_value is not null and (val is null or val <= hit.min_value);
    continue when not hit.custom_data @> hit.custom_data_contains;
    emitted := null;
    if hit.action = 'emit' then
      select r.event_pk into emitted from tracking.record_event(
        hit.company_id, hit.inbound_id, 'custom_conversion', hit.event_id || ':' || hit.rule_id, hit.emit_event_name,
        hit.event_time, hit.action_source, hit.event_source_url, hit.user_data, hit.custom_data,
        hit.visitor_id, null, hit.request_id, hit.extra) r;
    end if;
    insert into revenue.conversions (company_id, rule_id, event_pk, emitted_event_pk, value)
    values (hit.company_id, hit.rule_id, hit.id, emitted, val)
    on conflict do nothing;
  end loop;
  return null;
end
$$;
revoke all on function revenue.evaluate_conversions() from public, anon, authenticated, service_role, looker_reader;
