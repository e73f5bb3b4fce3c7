-- POST /collect: a browser event of the snippet (page view, lead, checkout click). Forms the visitor and
-- its touchpoint, and sends the server copy of the event with the browser's event_id (Meta dedups the
-- pair within 48 h).
create or replace function tracking.ingest_collect(
    key text, origin text, body text, client_ip text, user_agent text, request text
) returns table (http_status int, response jsonb)
language plpgsql
set search_path = ''
as $$
declare
  ep tracking.endpoints;
  b jsonb := body::jsonb;
  raw jsonb;
  inbound_pk bigint;
  seen timestamptz := app.now();
  ev record;
begin
  select * into ep from tracking.endpoints e
  where e.public_key = key and e.kind = 'collector' and e.disabled_at is null;
  if not found then
    return query select 404, tracking.reject(null, 'collector', request, 404, 'unknown_collector_key',
      'unknown collector key; render the snippet again from your Track AI setup', length(body));
    return;
  end if;
  if origin is not null and not exists (
       select 1 from tracking.allowed_origins o where o.company_id = ep.company_id and o.origin = lower(ingest_collect.origin)) then
    return query select 403, tracking.reject(ep.company_id, 'collector', request, 403, 'origin_not_allowed',
      'this site is not registered for the company; add its domain in Track AI', length(body));
    return;
  end if;
  if pg_catalog.jsonb_typeof(b) <> 'object'
     or coalesce(b ->> 'visitor_id', '') !~ '^[A-Za-z0-9_.-]{8,64}$'
     or coalesce(b ->> 'event_name', '') !~ '^[A-Za-z][A-Za-z0-9_]{1,49}$'
     or coalesce(b ->> 'event_id', '') !~ '^[A-Za-z0-9_.:-]{8,100}$'
     or coalesce(b ->> 'url', '') !~ '^https?://' then
    return query select 422, tracking.reject(ep.company_id, 'collector', request, 422, 'invalid_fields',
      'a browser event needs visitor_id, event_name, event_id (8-100 safe chars) and an http(s) url',
      length(body));
    return;
  end if;
  raw := coalesce(b -> 'user_data', '{}'::jsonb) || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'fbc', b ->> 'fbc', 'fbp', b ->> 'fbp', 'fbclid', b ->> 'fbclid', 'url', b ->> 'url',
    'client_ip_address', client_ip, 'client_user_agent', user_agent));
  inbound_pk := tracking.store_inbound(ep.company_id, 'collector', request,
                                    pg_catalog.jsonb_build_object('origin', origin), b);
  perform tracking.touch_visitor(ep.company_id, b ->> 'visitor_id', seen, raw);
  insert into tracking.touchpoints (
    company_id, visitor_id, occurred_at, event_name, url, referrer, fbclid, fbc, fbp,
    utm_source, utm_medium, utm_campaign, utm_content, utm_term
  ) values (
    ep.company_id, b ->> 'visitor_id', seen, b ->> 'event_name', left(b ->> 'url', 2000),
    left(b ->> 'referrer', 2000), b ->> 'fbclid', b ->> 'fbc', b ->> 'fbp', b ->> 'utm_source',
    b ->> 'utm_medium', b ->> 'utm_campaign', b ->> 'utm_content', b ->> 'utm_term'
  );
  ev := tracking.record_event(
    ep.company_id, inbound_pk, 'collector', null, b ->> 'event_name', seen, 'website', b ->> 'url', raw,
    pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'value', case when b ->> 'value' ~ '^[0-9]+(\.[0-9]+)?$' then (b ->> 'value')::numeric end,
      'currency', b ->> 'currency')),
    b ->> 'visitor_id', b ->> 'event_id', request);
  return query select 202, pg_catalog.jsonb_build_object(
    'status', 'accepted', 'event_id', ev.event_id, 'duplicate', ev.duplicate);
end
$$;
revoke all on function tracking.ingest_collect(text,text,text,text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_collect(text,text,text,text,text,text) to service_role;
