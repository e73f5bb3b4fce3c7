-- POST /collect, a batch at a time: browser events of the snippet (page view, lead, checkout click) that
-- arrived while the API's previous call ran (group commit, service/group_commit.py). Each forms its
-- visitor and touchpoint and sends the server copy of the event with the browser's event_id (Meta dedups
-- the pair within 48 h), with one statement per table for the batch; each gets the answer it would get
-- alone, by its ord. A refused one is logged as a rejection (tracking.reject) and stores nothing else.
create or replace function tracking.ingest_collect_batch(
    keys text [], origins text [], bodies text [], client_ips text [], user_agents text [], requests text []
) returns table (ord int, http_status int, response jsonb)
language plpgsql
set search_path = ''
-- planned once per session: planning these statements costs more than running them for a few rows
set plan_cache_mode = 'force_generic_plan'
as $$
#variable_conflict use_column
declare
  seen timestamptz := app.now();
  ords int [];
  statuses int [];
  refusals jsonb [];  -- per ord: the refusal's answer, null when accepted
  accepted tracking.event_input [];
  accepted_bodies jsonb [];  -- the accepted ones' bodies, in the same order
begin
  -- judge each, store the accepted ones (one insert)
  with input as materialized (
    select u.ord::int as ord, u.key, u.origin, u.body, u.body::jsonb as b, u.ip, u.ua, u.request
    from rows from (
      pg_catalog.unnest(keys), pg_catalog.unnest(origins), pg_catalog.unnest(bodies), pg_catalog.unnest(client_ips),
      pg_catalog.unnest(user_agents), pg_catalog.unnest(requests)
    ) with ordinality as u (key, origin, body, ip, ua, request, ord)
  ),

  checked as materialized (
    select i.*, e.company_id,
      case
        when e.company_id is null then 404
        when i.origin is not null and not exists (
          select 1 from tracking.allowed_origins as o
          where o.company_id = e.company_id and o.origin = pg_catalog.lower(i.origin)) then 403
        when pg_catalog.jsonb_typeof(i.b) <> 'object'
          or coalesce(i.b ->> 'visitor_id', '') !~ '^[A-Za-z0-9_.-]{8,64}$'
          or coalesce(i.b ->> 'event_name', '') !~ '^[A-Za-z][A-Za-z0-9_]{1,49}$'
          or coalesce(i.b ->> 'event_id', '') !~ '^[A-Za-z0-9_.:-]{8,100}$'
          or coalesce(i.b ->> 'url', '') !~ '^https?://' then 422
      end as refusal
    from input as i
    left join tracking.endpoints as e on e.public_key = i.key and e.kind = 'collector' and e.disabled_at is null
  ),

  taken as materialized (
    select c.*,
      pg_catalog.nextval('tracking.inbound_id_seq'::regclass) as inbound_pk,
      coalesce(c.b -> 'user_data', '{}'::jsonb) || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'fbc', c.b ->> 'fbc', 'fbp', c.b ->> 'fbp', 'fbclid', c.b ->> 'fbclid', 'url', c.b ->> 'url',
        'client_ip_address', c.ip, 'client_user_agent', c.ua)) as raw
    from checked as c
    where c.refusal is null
  ),

  -- synchronous: stored as processed (a failure rolls the whole call back, and nothing is acknowledged)
  stored as (
    insert into tracking.inbound (id, company_id, source, request_id, headers, body, status, processed_at)
    overriding system value
    select t.inbound_pk, t.company_id, 'collector', t.request, pg_catalog.jsonb_build_object('origin', t.origin),
           t.b, 'processed', seen
    from taken as t order by t.ord
  )

  select
    pg_catalog.array_agg(c.ord order by c.ord),
    pg_catalog.array_agg(coalesce(c.refusal, 202) order by c.ord),
    pg_catalog.array_agg(case c.refusal
      when 404 then tracking.reject(null, 'collector', c.request, 404, 'unknown_collector_key',
        'unknown collector key; render the snippet again from your Track AI setup', pg_catalog.length(c.body))
      when 403 then tracking.reject(c.company_id, 'collector', c.request, 403, 'origin_not_allowed',
        'this site is not registered for the company; add its domain in Track AI', pg_catalog.length(c.body))
      when 422 then tracking.reject(c.company_id, 'collector', c.request, 422, 'invalid_fields',
        'a browser event needs visitor_id, event_name, event_id (8-100 safe chars) and an http(s) url',
        pg_catalog.length(c.body))
    end order by c.ord),
    array(
      select row(
        t.ord, t.company_id, t.inbound_pk, 'collector', null, t.b ->> 'event_name', seen, 'website', t.b ->> 'url',
        t.raw,
        pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
          'value', case when t.b ->> 'value' ~ '^[0-9]+(\.[0-9]+)?$' then (t.b ->> 'value')::numeric end,
          'currency', t.b ->> 'currency')),
        t.b ->> 'visitor_id', t.b ->> 'event_id', t.request, '{}'::jsonb)::tracking.event_input
      from taken as t order by t.ord),
    array(select t.b from taken as t order by t.ord)
  into ords, statuses, refusals, accepted, accepted_bodies
  from checked as c;

  -- the visitors first: the touchpoints belong to them, and each event then matches its own visitor
  perform tracking.touch_visitors(
    array(select a.company_id from pg_catalog.unnest(accepted) as a order by a.ord),
    array(select a.visitor from pg_catalog.unnest(accepted) as a order by a.ord),
    array(select seen from pg_catalog.unnest(accepted) as a order by a.ord),
    array(select a.raw_user from pg_catalog.unnest(accepted) as a order by a.ord));

  insert into tracking.touchpoints (
    company_id, visitor_id, occurred_at, event_name, url, referrer, fbclid, fbc, fbp,
    utm_source, utm_medium, utm_campaign, utm_content, utm_term
  )
  select
    a.company_id, a.visitor, seen, a.event_name, left(a.event_source_url, 2000),
    left(x.b ->> 'referrer', 2000), x.b ->> 'fbclid', x.b ->> 'fbc', x.b ->> 'fbp', x.b ->> 'utm_source',
    x.b ->> 'utm_medium', x.b ->> 'utm_campaign', x.b ->> 'utm_content', x.b ->> 'utm_term'
  from pg_catalog.unnest(accepted) with ordinality as a
  join pg_catalog.unnest(accepted_bodies) with ordinality as x (b, n) on x.n = a.ordinality
  order by a.ord;

  return query
  select o.ord, o.http_status,
    coalesce(o.refusal, pg_catalog.jsonb_build_object('status', 'accepted', 'event_id', r.event_id,
                                                      'duplicate', r.duplicate))
  from rows from (pg_catalog.unnest(ords), pg_catalog.unnest(statuses), pg_catalog.unnest(refusals))
    as o (ord, http_status, refusal)
  left join tracking.record_events(accepted) as r on r.ord = o.ord
  order by o.ord;
end
$$;
revoke all on function tracking.ingest_collect_batch(text[],text[],text[],text[],text[],text[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_collect_batch(text[],text[],text[],text[],text[],text[]) to service_role;
