-- The direct API and CRM events. kind: conversion | lead | purchase | crm.
-- X-Idempotency-Key: same key + same body -> the stored answer; same key + other body -> 422.
-- A business fact already recorded -> 409 with the existing event_id (CRM: 202, it only reports).
create or replace function tracking.ingest_api(
    key_sha256 text, kind text, body text, idempotency_key text, request text
) returns table (http_status int, response jsonb)
language plpgsql
set search_path = ''
as $$
declare
  company uuid := tracking.api_key_company(key_sha256);
  b jsonb := body::jsonb;
  body_hash text := pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(kind || ':' || b::text, 'UTF8')), 'hex');
  idem tracking.idempotency_keys;
  inbound_pk bigint;
  ev record;
  u jsonb;
  ev_name text;
  ref text;
  ev_time timestamptz;
  status_code int;
  resp jsonb;
  missing text;
  src text := case when kind = 'crm' then 'crm' else 'api' end;
  crm_action_source text;
begin
  if company is null then
    return query select 401, tracking.reject(null, src, request, 401, 'invalid_api_key',
      'missing, unknown or revoked API key', length(body));
    return;
  end if;
  if idempotency_key is not null then
    insert into tracking.idempotency_keys (company_id, key, request_sha256)
    values (company, idempotency_key, body_hash)
    on conflict do nothing;
    if not found then
      select * into idem from tracking.idempotency_keys k
      where k.company_id = company and k.key = idempotency_key;
      if idem.request_sha256 <> body_hash then
        return query select 422, tracking.reject(company, src, request, 422, 'idempotency_key_reused',
          'this X-Idempotency-Key was already used with a different body', length(body));
        return;
      end if;
      return query select idem.http_status, idem.response;
      return;
    end if;
  end if;

  u := coalesce(b -> 'user_data', '{}'::jsonb) || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'em', b ->> 'email', 'ph', b ->> 'phone', 'external_id', b ->> 'external_id',
    'fn', pg_catalog.split_part(btrim(b ->> 'name'), ' ', 1),
    'ln', nullif(pg_catalog.regexp_replace(btrim(b ->> 'name'), '^\S+\s*', ''), '')));
  ev_time := case when b ->> 'event_time' ~ '^[0-9]{9,10}$' then pg_catalog.to_timestamp((b ->> 'event_time')::bigint)
                  else tracking.brt_timestamp(coalesce(b ->> 'event_time', b ->> 'occurred_at')) end;

  if kind = 'conversion' then
    ev_name := b ->> 'event_name';
    ref := coalesce(b ->> 'order_id', b ->> 'event_id');
    missing := case when ev_name is null then 'event_name' when ref is null then 'event_id or order_id' end;
  elsif kind = 'lead' then
    ev_name := 'Lead';
    ref := coalesce(b ->> 'lead_id', tracking.hash_user_field('em', u ->> 'em'), tracking.hash_user_field('ph', u ->> 'ph'));
    missing := case when ref is null then 'lead_id, email or phone' end;
  elsif kind = 'purchase' then
    ev_name := 'Purchase';
    ref := b ->> 'order_id';
    missing := case when ref is null then 'order_id' when b ->> 'value' is null then 'value' end;
  elsif kind = 'crm' then
    select m.meta_event, m.action_source into ev_name, crm_action_source from tracking.event_mappings m
    where m.business_event = b ->> 'event' and (m.company_id = company or m.company_id is null)
      and m.deal_status in (coalesce(b -> 'deal' ->> 'status', '*'), '*')
    order by m.company_id nulls last, m.deal_status = '*' limit 1;
    ref := coalesce(b -> 'deal' ->> 'id', b -> 'lead' ->> 'id', b ->> 'id') || ':' || (b ->> 'event');
    u := u || coalesce(b -> 'lead', '{}'::jsonb) || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'em', b -> 'lead' ->> 'email', 'ph', b -> 'lead' ->> 'phone'));
    missing := case
      when b ->> 'event' is null or b ->> 'event' not in ('LeadCreated', 'LeadQualified', 'DealStatusChanged',
                                                         'ContractSigned') then 'event (LeadCreated, LeadQualified, DealStatusChanged or ContractSigned)'
      when b ->> 'id' is null then 'id' end;
  end if;
  if missing is null and ev_name is not null and ev_name !~ '^[A-Za-z][A-Za-z0-9_]{1,49}$' then
    missing := 'a valid event_name';
  end if;
  if missing is null and b ->> 'action_source' is not null and b ->> 'action_source' not in (
       'email', 'website', 'app', 'phone_call', 'chat', 'physical_store', 'system_generated',
       'business_messaging', 'other') then
    missing := 'a valid action_source (email, website, app, phone_call, chat, physical_store, '
               || 'system_generated, business_messaging or other)';
  end if;
  if missing is not null then
    resp := tracking.reject(company, src, request, 422, 'missing_fields', 'missing or invalid: ' || missing,
                            length(body));
    if idempotency_key is not null then
      delete from tracking.idempotency_keys k where k.company_id = company and k.key = idempotency_key;
    end if;
    return query select 422, resp;
    return;
  end if;

  inbound_pk := tracking.store_inbound(company, src, request, '{}'::jsonb, b);
  if ev_name is null then
    perform tracking.mark_inbound(array[inbound_pk], true, null, array['no_meta_event_mapped']);
    status_code := 202;
    resp := pg_catalog.jsonb_build_object('status', 'accepted', 'meta_event', null,
                                          'note', 'no Meta event is mapped to this business event');
  else
    ev := tracking.record_event(
      company, inbound_pk, src, ref, ev_name, ev_time,
      coalesce(b ->> 'action_source', crm_action_source,
               case when b ->> 'event_source_url' is not null then 'website' else 'system_generated' end),
      b ->> 'event_source_url', u,
      coalesce(b -> 'custom_data', '{}'::jsonb) || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'value', coalesce(b -> 'value', b -> 'deal' -> 'value'), 'currency',
        coalesce(b ->> 'currency', b -> 'deal' ->> 'currency', case when ev_name = 'Purchase' then 'BRL' end),
        'order_id', b ->> 'order_id')),
      coalesce(b ->> 'visitor_id', b -> 'lead' ->> 'visitor_id'),
      case when kind = 'conversion' and b ->> 'order_id' is null then b ->> 'event_id' end, request);
    if ev.duplicate and kind <> 'crm' then
      status_code := 409;
      resp := pg_catalog.jsonb_build_object('error', pg_catalog.jsonb_build_object(
        'code', 'duplicate_event', 'message', 'this business fact was already recorded',
        'request_id', request, 'event_id', ev.event_id));
    else
      status_code := case when kind = 'crm' then 202 else 201 end;
      resp := pg_catalog.jsonb_build_object('status', 'accepted', 'event_id', ev.event_id,
                                            'event_status', ev.status, 'duplicate', ev.duplicate);
    end if;
  end if;
  if idempotency_key is not null then
    update tracking.idempotency_keys k set http_status = status_code, response = resp
    where k.company_id = company and k.key = idempotency_key;
  end if;
  return query select status_code, resp;
end
$$;
revoke all on function tracking.ingest_api(text,text,text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_api(text,text,text,text,text) to service_role;
