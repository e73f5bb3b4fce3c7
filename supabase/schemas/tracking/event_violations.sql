-- The gate before the dispatch queue, for a batch: for each event that breaks one of Meta's rules
-- (tracking.meta_event_rules), its ord and the first rule it breaks in position order; events that may
-- be sent are not listed. Each event is as it would be sent (delivery.build_payload's shape:
-- event_name, action_source, event_source_url, user_data, custom_data, messaging_channel).
create or replace function tracking.event_violations(ords bigint [], events jsonb []) returns table (ord bigint, rule text)
language sql stable
set search_path = ''
as $$
  select distinct on (e.ord) e.ord, r.code
  from rows from (pg_catalog.unnest(ords), pg_catalog.unnest(events)) as e (ord, event)
  join tracking.meta_event_rules as r
    on (r.event_name is null or r.event_name = e.event ->> 'event_name')
    and (r.action_source is null or r.action_source = e.event ->> 'action_source')
  cross join lateral (select e.event #>> r.path as v) as x
  where not coalesce(case r.check_kind
      when 'present' then btrim(x.v) <> ''
      when 'one_of' then x.v = any(r.allowed)
      when 'positive_number' then case when x.v ~ '^[0-9]{1,12}(\.[0-9]+)?$' then x.v::numeric > 0 end
      when 'known_currency' then exists (select 1 from tracking.currencies as c where c.code = pg_catalog.upper(x.v))
      when 'customer_information' then tracking.has_customer_information(e.event -> 'user_data')
    end, false)
  order by e.ord, r.position
$$;
comment on function tracking.event_violations(bigint [], jsonb []) is
'Per event (by ord) the code of the first Meta rule (tracking.meta_event_rules) it breaks; events that pass are not listed.';
revoke all on function tracking.event_violations(bigint [], jsonb []) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.event_violations(bigint [], jsonb []) to service_role;
