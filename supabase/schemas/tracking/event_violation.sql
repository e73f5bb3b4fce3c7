-- The gate before the dispatch queue: the first of Meta's rules (tracking.meta_event_rules, in position
-- order) that this event breaks, or null. `event` is the event as it would be sent (delivery.build_payload's
-- shape: event_name, action_source, event_source_url, user_data, custom_data, messaging_channel).
create or replace function tracking.event_violation(event jsonb) returns text
language sql stable
set search_path = ''
as $$
  select r.code
  from tracking.meta_event_rules r
  cross join lateral (select event #>> r.path as v) as x
  where (r.event_name is null or r.event_name = event ->> 'event_name')
    and (r.action_source is null or r.action_source = event ->> 'action_source')
    and not coalesce(case r.check_kind
      when 'present' then btrim(x.v) <> ''
      when 'one_of' then x.v = any(r.allowed)
      when 'positive_number' then case when x.v ~ '^[0-9]{1,12}(\.[0-9]+)?$' then x.v::numeric > 0 end
      when 'known_currency' then exists (select 1 from tracking.currencies c where c.code = pg_catalog.upper(x.v))
      when 'customer_information' then tracking.has_customer_information(event -> 'user_data')
    end, false)
  order by r.position
  limit 1
$$;
comment on function tracking.event_violation(jsonb) is
'The code of the first Meta rule (tracking.meta_event_rules) the event breaks, or null when it may be sent.';
revoke all on function tracking.event_violation(jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.event_violation(jsonb) to service_role;
