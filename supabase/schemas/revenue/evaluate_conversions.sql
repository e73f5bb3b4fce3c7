-- After each new event: one indexed lookup (company, event name) when the company has no rule. Events
-- this trigger emits (source custom_conversion) are not evaluated again, so rules cannot loop.
create or replace function revenue.evaluate_conversions() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  rule revenue.conversion_rules;
  val numeric;
  emitted bigint;
begin
  if new.source = 'custom_conversion' then
    return null;
  end if;
  for rule in
    select * from revenue.conversion_rules r
    where r.company_id = new.company_id and r.event_name = new.event_name and r.active
  loop
    val := case when new.custom_data ->> 'value' ~ '^-?[0-9]+(\.[0-9]+)?$' then (new.custom_data ->> 'value')::numeric end;
    continue when rule.min_value is not null and (val is null or val <= rule.min_value);
    continue when not new.custom_data @> rule.custom_data_contains;
    emitted := null;
    if rule.action = 'emit' then
      select r.event_pk into emitted from tracking.record_event(
        new.company_id, new.inbound_id, 'custom_conversion', new.event_id || ':' || rule.id, rule.emit_event_name,
        new.event_time, new.action_source, new.event_source_url, new.user_data, new.custom_data,
        new.visitor_id, null, new.request_id, new.extra) r;
    end if;
    insert into revenue.conversions (company_id, rule_id, event_pk, emitted_event_pk, value)
    values (new.company_id, rule.id, new.id, emitted, val)
    on conflict do nothing;
  end loop;
  return null;
end
$$;
revoke all on function revenue.evaluate_conversions() from public, anon, authenticated, service_role, looker_reader;
