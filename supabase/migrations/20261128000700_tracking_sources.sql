-- The sources: each ingest_* function is one round trip from the API. It authenticates the request
-- against the company's keys, stores the inbound row (durable before the 2xx), processes it in a
-- subtransaction (a failure marks the inbound 'failed' and keeps it for tracking.replay_inbound),
-- and answers (http_status, body). Rejections are logged in tracking.rejected_requests.

create function tracking.reject(
    company uuid, source text, request text, http_status int, code text, message text, body_bytes int
) returns jsonb
language sql
set search_path = ''
as $$
  insert into tracking.rejected_requests (company_id, source, request_id, http_status, error_code, message,
                                          body_bytes)
  values (company, source, request, http_status, code, message, body_bytes);
  select pg_catalog.jsonb_build_object('error', pg_catalog.jsonb_build_object(
    'code', code, 'message', message, 'request_id', request))
$$;

-- Synchronous sources store the row as 'processed' (one write on the hot path); a processing
-- failure in the same transaction turns it into 'failed'. Asynchronous ones store 'received'.
create function tracking.store_inbound(
    company uuid, source text, request text, headers jsonb, body jsonb, processed boolean default true
) returns bigint
language plpgsql
set search_path = ''
as $$
declare
  inbound_pk bigint;
begin
  insert into tracking.inbound (company_id, source, request_id, headers, body, status, processed_at)
  values (company, source, request, coalesce(headers, '{}'::jsonb), body,
          case when processed then 'processed' else 'received' end,
          case when processed then app.now() end)
  returning id into inbound_pk;
  return inbound_pk;
end
$$;

create function tracking.mark_inbound(inbound_pk bigint, ok boolean, err text default null,
                                      add_flags text [] default '{}') returns void
language sql
set search_path = ''
as $$
  update tracking.inbound set
    status = case when ok then 'processed' else 'failed' end,
    processed_at = case when ok then app.now() end,
    failed_at = case when ok then null else app.now() end,
    error = case when ok then null else err end,
    flags = coalesce((select pg_catalog.array_agg(distinct f) from pg_catalog.unnest(flags || add_flags) f), '{}'),
    attempts = attempts + 1
  where id = inbound_pk
$$;

-- A local timestamp without zone, as gateways send it, read in Brazil's time.
create function tracking.brt_timestamp(value text) returns timestamptz
language plpgsql stable
set search_path = ''
as $$
begin
  if value is null or btrim(value) = '' then
    return null;
  end if;
  if value ~ '(Z|[+-][0-9]{2}:?[0-9]{2})$' then
    return value::timestamptz;
  end if;
  return (value::timestamp) at time zone 'America/Sao_Paulo';
exception when others then
  return null;
end
$$;

-- The mapping row for a gateway status: the company's own, else the default.
create function tracking.status_mapping(company uuid, gateway text, gateway_status text)
returns tracking.status_mappings
language plpgsql stable
set search_path = ''
as $$
declare
  found_row tracking.status_mappings;
begin
  select m.* into found_row from tracking.status_mappings m
  where m.gateway = status_mapping.gateway and m.gateway_status = status_mapping.gateway_status
    and (m.company_id = company or m.company_id is null)
  order by m.company_id nulls last
  limit 1;
  return found_row;
end
$$;

-- Record a sale's status change. Refunds and chargebacks are never undone by a late 'approved'.
create function tracking.upsert_sale(
    company uuid, gateway text, provider_ref text, gateway_status text, effect text, amount numeric,
    currency text, product_ref text, product_name text, visitor text, user_data jsonb, at timestamptz,
    purchase_event bigint
) returns bigint
language plpgsql
set search_path = ''
as $$
declare
  sale_pk bigint;
begin
  insert into tracking.sales as s (
    company_id, gateway, provider_ref, status, sale_effect, amount, currency, product_ref, product_name,
    visitor_id, em, ph, approved_at, refunded_at, charged_back_at, refunded_amount, purchase_event_pk
  ) values (
    company, gateway, provider_ref, gateway_status, effect, amount, coalesce(currency, 'BRL'),
    product_ref, product_name, visitor, user_data ->> 'em', user_data ->> 'ph',
    case when effect = 'sale' then coalesce(at, app.now()) end,
    case when effect = 'refund' then coalesce(at, app.now()) end,
    case when effect = 'chargeback' then coalesce(at, app.now()) end,
    case when effect in ('refund', 'chargeback') then coalesce(amount, 0) else 0 end,
    purchase_event
  )
  on conflict on constraint sales_company_id_gateway_provider_ref_key do update set
    status = case when s.sale_effect in ('refund', 'chargeback') and excluded.sale_effect
                       not in ('refund', 'chargeback') then s.status else excluded.status end,
    sale_effect = case when s.sale_effect in ('refund', 'chargeback') and excluded.sale_effect
                            not in ('refund', 'chargeback') then s.sale_effect else excluded.sale_effect end,
    amount = coalesce(excluded.amount, s.amount),
    approved_at = coalesce(s.approved_at, excluded.approved_at),
    refunded_at = coalesce(s.refunded_at, excluded.refunded_at),
    charged_back_at = coalesce(s.charged_back_at, excluded.charged_back_at),
    refunded_amount = greatest(s.refunded_amount, excluded.refunded_amount),
    visitor_id = coalesce(s.visitor_id, excluded.visitor_id),
    em = coalesce(s.em, excluded.em),
    ph = coalesce(s.ph, excluded.ph),
    purchase_event_pk = coalesce(s.purchase_event_pk, excluded.purchase_event_pk),
    updated_at = app.now()
  returning id into sale_pk;
  return sale_pk;
end
$$;

-- A sale becomes (maybe) a Meta event per the status mapping; the sale row keeps the revenue.
create function tracking.record_sale(
    inbound_pk bigint, gateway text, provider_ref text, gateway_status text, amount numeric, currency text,
    product_ref text, product_name text, visitor text, raw_user jsonb, occurred_at timestamptz,
    request text
) returns text []
language plpgsql
set search_path = ''
as $$
declare
  company uuid;
  m tracking.status_mappings;
  ev record;
  flags text [] := '{}';
  clean_visitor text := case when visitor ~ '^[A-Za-z0-9_.-]{8,64}$' then visitor end;
begin
  select i.company_id into company from tracking.inbound i where i.id = inbound_pk;
  m := tracking.status_mapping(company, gateway, gateway_status);
  if m.id is null then
    flags := array['unknown_status'];
  end if;
  if m.meta_event is not null then
    ev := tracking.record_event(
      company, inbound_pk, gateway, provider_ref, m.meta_event, occurred_at, 'website', null, raw_user,
      pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'value', amount, 'currency', coalesce(currency, 'BRL'), 'order_id', provider_ref,
        'content_name', product_name,
        'content_ids', case when product_ref is not null then pg_catalog.jsonb_build_array(product_ref) end,
        'content_type', case when product_ref is not null then 'product' end)),
      clean_visitor, null, request);
  end if;
  perform tracking.upsert_sale(
    company, gateway, provider_ref, gateway_status, coalesce(m.sale_effect, 'none'), amount, currency,
    product_ref, product_name, clean_visitor,
    pg_catalog.jsonb_build_object('em', tracking.hash_user_field('em', raw_user ->> 'em'),
                                  'ph', tracking.hash_user_field('ph', raw_user ->> 'ph')),
    occurred_at, case when m.meta_event = 'Purchase' then ev.event_pk end);
  return flags;
end
$$;

-- Perfect Pay sale_status_enum -> key (gateways.md §1.4). Values Perfect Pay documents as normalised
-- in the postback (15 -> cancelled, 17 -> charged_back, 18/19/20 -> refunded) are mapped the same way.
create function tracking.perfectpay_status(body jsonb) returns text
language sql immutable
as $$
  select case body ->> 'sale_status_enum'
    when '0' then 'none' when '1' then 'pending' when '2' then 'approved' when '3' then 'in_process'
    when '4' then 'in_mediation' when '5' then 'rejected' when '6' then 'cancelled' when '7' then 'refunded'
    when '8' then 'authorized' when '9' then 'charged_back' when '10' then 'completed'
    when '11' then 'checkout_error' when '12' then 'precheckout' when '13' then 'expired'
    when '15' then 'cancelled' when '16' then 'in_review' when '17' then 'charged_back'
    when '18' then 'refunded' when '19' then 'refunded' when '20' then 'refunded'
    else coalesce(nullif(body ->> 'sale_status_enum_key', ''), 'unknown:' || (body ->> 'sale_status_enum'))
  end
$$;

create function tracking.process_perfectpay(inbound_pk bigint) returns text []
language plpgsql
set search_path = ''
as $$
declare
  b jsonb;
  c jsonb;
  name_parts text [];
  phone text;
begin
  select i.body into b from tracking.inbound i where i.id = inbound_pk;
  c := coalesce(b -> 'customer', '{}'::jsonb);
  name_parts := pg_catalog.regexp_split_to_array(btrim(coalesce(c ->> 'full_name', '')), '\s+');
  if coalesce(c ->> 'phone_number', '') <> '' then
    phone := coalesce(nullif(c ->> 'phone_extension', ''), '') || coalesce(c ->> 'phone_area_code', '')
             || (c ->> 'phone_number');
  end if;
  return tracking.record_sale(
    inbound_pk, 'perfectpay', b ->> 'code', tracking.perfectpay_status(b),
    case when b ->> 'sale_amount' ~ '^[0-9]+(\.[0-9]+)?$' then (b ->> 'sale_amount')::numeric end,
    coalesce(nullif(b ->> 'currency_enum_key', ''),
             case b ->> 'currency_enum' when '2' then 'USD' when '3' then 'EUR' else 'BRL' end),
    b -> 'product' ->> 'code', b -> 'product' ->> 'name', b -> 'metadata' ->> 'src',
    pg_catalog.jsonb_build_object(
      'em', c ->> 'email', 'ph', phone, 'fn', name_parts [1],
      'ln', case when pg_catalog.array_length(name_parts, 1) > 1
                 then name_parts [pg_catalog.array_length(name_parts, 1)] end,
      'external_id', c ->> 'identification_number', 'db', coalesce(c ->> 'birthday', c ->> 'date_birth'),
      'ct', c ->> 'city', 'st', c ->> 'state', 'zp', c ->> 'zip_code', 'country', c ->> 'country',
      'client_ip_address', c ->> 'ip', 'client_user_agent', c ->> 'user_agent'),
    coalesce(tracking.brt_timestamp(b ->> 'date_approved'), tracking.brt_timestamp(b ->> 'date_created')),
    (select i.request_id from tracking.inbound i where i.id = inbound_pk));
end
$$;

-- Mercado Pago: the notification is stored first; the worker fetches the payment and calls this.
create function tracking.process_mercadopago(inbound_pk bigint, payment jsonb) returns text []
language plpgsql
set search_path = ''
as $$
declare
  p jsonb := coalesce(payment, '{}'::jsonb);
  payer jsonb := coalesce(payment -> 'payer', '{}'::jsonb);
  phone text;
begin
  if p ->> 'id' is null or p ->> 'status' is null then
    raise exception 'payment without id or status' using errcode = '22023';
  end if;
  if coalesce(payer -> 'phone' ->> 'number', '') <> '' then
    phone := coalesce(payer -> 'phone' ->> 'area_code', '') || (payer -> 'phone' ->> 'number');
  end if;
  update tracking.inbound i set body = i.body || pg_catalog.jsonb_build_object('payment', p)
  where i.id = inbound_pk;
  return tracking.record_sale(
    inbound_pk, 'mercadopago', p ->> 'id', p ->> 'status',
    case when p ->> 'transaction_amount' ~ '^[0-9]+(\.[0-9]+)?$' then (p ->> 'transaction_amount')::numeric end,
    p ->> 'currency_id', p ->> 'external_reference', p ->> 'description',
    coalesce(p -> 'metadata' ->> 'visitor_id', p -> 'metadata' ->> 'src', p ->> 'external_reference'),
    pg_catalog.jsonb_build_object(
      'em', payer ->> 'email', 'ph', phone, 'fn', payer ->> 'first_name', 'ln', payer ->> 'last_name',
      'external_id', payer -> 'identification' ->> 'number',
      'client_ip_address', p -> 'additional_info' ->> 'ip_address'),
    coalesce((p ->> 'date_approved')::timestamptz, (p ->> 'date_created')::timestamptz),
    (select i.request_id from tracking.inbound i where i.id = inbound_pk));
end
$$;

-- Run a source's processing inside a subtransaction: failure keeps the inbound row, marked failed.
create function tracking.process_inbound(inbound_pk bigint, payment jsonb default null) returns text
language plpgsql
set search_path = ''
as $$
declare
  src text;
  was text;
  flags text [];
begin
  select i.source, i.status into src, was from tracking.inbound i where i.id = inbound_pk for update;
  begin
    flags := case src
      when 'perfectpay' then tracking.process_perfectpay(inbound_pk)
      when 'mercadopago' then tracking.process_mercadopago(inbound_pk, payment)
    end;
    if flags is null then
      raise exception 'source % has no processor', src;
    end if;
    if was <> 'processed' or flags <> '{}' then
      perform tracking.mark_inbound(inbound_pk, true, null, flags);
    end if;
    return 'processed';
  exception when others then
    perform tracking.mark_inbound(inbound_pk, false, sqlstate || ': ' || sqlerrm);
    return 'failed';
  end;
end
$$;

-- Re-process failed inbound requests after a fix (also `trackai replay`).
create function tracking.replay_inbound(inbound_pk bigint) returns text
language plpgsql
set search_path = ''
as $$
declare
  i tracking.inbound;
begin
  select * into i from tracking.inbound where id = inbound_pk;
  if not found then
    raise exception 'inbound % not found', inbound_pk using errcode = 'P0002';
  end if;
  if i.source = 'mercadopago' then
    -- the payment must be fetched again: back on the worker's queue
    perform pgmq.send('mercadopago', pg_catalog.jsonb_build_object('inbound', inbound_pk));
    return 'requeued';
  end if;
  if i.source = 'whatsapp' then
    -- WhatsApp payloads are mirrored by their own schema (a later migration; resolved at run time)
    return whatsapp.process_inbound(inbound_pk);
  end if;
  return tracking.process_inbound(inbound_pk);
end
$$;

-- Replay every failed inbound request (of one company, or all): returns how many were re-processed.
create function tracking.replay_failed(company uuid default null) returns table (inbound_id bigint, outcome text)
language sql
set search_path = ''
as $$
  select i.id, tracking.replay_inbound(i.id)
  from tracking.inbound i
  where i.status = 'failed' and (company is null or i.company_id = company)
  order by i.id
$$;

-- POST /webhooks/perfectpay/{key}. The postback's token is compared by its SHA-256 against the stored
-- one (comparing digests leaks nothing useful about the token through timing).
create function tracking.ingest_perfectpay(key text, body text, headers jsonb, request text)
returns table (http_status int, response jsonb)
language plpgsql
set search_path = ''
as $$
declare
  ep tracking.endpoints;
  b jsonb := body::jsonb;
  inbound_pk bigint;
  outcome text;
  ev record;
begin
  select * into ep from tracking.endpoints e
  where e.public_key = key and e.kind = 'perfectpay' and e.disabled_at is null;
  if not found then
    return query select 404, tracking.reject(null, 'perfectpay', request, 404, 'unknown_endpoint',
      'no Perfect Pay webhook has this URL; copy the URL again from your Track AI setup', length(body));
    return;
  end if;
  if pg_catalog.jsonb_typeof(b) <> 'object' or coalesce(b ->> 'token', '') = ''
     or pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(b ->> 'token', 'UTF8')), 'hex')
        <> ep.token_sha256 then
    return query select 401, tracking.reject(ep.company_id, 'perfectpay', request, 401, 'invalid_token',
      'the postback token does not match the Perfect Pay token saved for this company', length(body));
    return;
  end if;
  if coalesce(b ->> 'code', '') = '' or b ->> 'sale_status_enum' is null then
    return query select 422, tracking.reject(ep.company_id, 'perfectpay', request, 422, 'missing_fields',
      'a Perfect Pay postback needs code and sale_status_enum', length(body));
    return;
  end if;
  inbound_pk := tracking.store_inbound(ep.company_id, 'perfectpay', request, headers,
                                    pg_catalog.jsonb_set(b, '{token}', '"[redacted]"'));
  outcome := tracking.process_inbound(inbound_pk);
  -- the sale's event, whether this postback created it or an earlier copy did
  select e.event_id, e.status into ev from tracking.events e
  where e.company_id = ep.company_id and e.source = 'perfectpay' and e.provider_ref = b ->> 'code'
  order by e.id desc limit 1;
  return query select 200, pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'status', 'accepted', 'inbound_id', inbound_pk, 'processing', outcome,
    'event_id', ev.event_id, 'event_status', ev.status));
end
$$;

-- POST /webhooks/mercadopago/{key}: the API has verified x-signature with the decrypted secret;
-- here the notification is stored and queued for the worker that fetches the payment.
create function tracking.ingest_mercadopago(key text, body text, headers jsonb, request text)
returns table (http_status int, response jsonb)
language plpgsql
set search_path = ''
as $$
declare
  ep tracking.endpoints;
  b jsonb := body::jsonb;
  inbound_pk bigint;
begin
  select * into ep from tracking.endpoints e
  where e.public_key = key and e.kind = 'mercadopago' and e.disabled_at is null;
  if not found then
    return query select 404, tracking.reject(null, 'mercadopago', request, 404, 'unknown_endpoint',
      'no Mercado Pago webhook has this URL', length(body));
    return;
  end if;
  if coalesce(b -> 'data' ->> 'id', '') = '' then
    return query select 422, tracking.reject(ep.company_id, 'mercadopago', request, 422, 'missing_fields',
      'a Mercado Pago notification needs data.id', length(body));
    return;
  end if;
  inbound_pk := tracking.store_inbound(ep.company_id, 'mercadopago', request, headers, b, false);
  if coalesce(b ->> 'type', b ->> 'topic', 'payment') = 'payment' then
    perform pgmq.send('mercadopago', pg_catalog.jsonb_build_object('inbound', inbound_pk));
  else
    perform tracking.mark_inbound(inbound_pk, true, null, array['not_a_payment']);
  end if;
  return query select 200, pg_catalog.jsonb_build_object('status', 'accepted', 'inbound_id', inbound_pk);
end
$$;

-- What the API needs to verify a Mercado Pago signature: the company and its encrypted secret.
create function tracking.endpoint_secret(key text, endpoint_kind text, secret_kind text)
returns table (company_id uuid, key_id text, ciphertext bytea)
language sql stable
set search_path = ''
as $$
  select e.company_id, s.key_id, s.ciphertext
  from tracking.endpoints e
  left join app.secrets s on s.company_id = e.company_id and s.kind = secret_kind
  where e.public_key = key and e.kind = endpoint_kind and e.disabled_at is null
$$;

-- Browser origins for the collector's CORS answer.
create function tracking.collector_origin_allowed(key text, origin text) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (
    select 1 from tracking.endpoints e
    join tracking.allowed_origins o on o.company_id = e.company_id
    where e.public_key = key and e.kind = 'collector' and e.disabled_at is null
      and o.origin = lower(collector_origin_allowed.origin)
  )
$$;

-- POST /collect: a browser event of the snippet (page view, lead, checkout click). Forms the visitor and
-- its touchpoint, and sends the server copy of the event with the browser's event_id (Meta dedups the
-- pair within 48 h).
create function tracking.ingest_collect(
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

-- The company behind a server-to-server API key (the API passes the key's SHA-256, never the key).
create function tracking.api_key_company(key_sha256 text) returns uuid
language sql stable
set search_path = ''
as $$
  select k.company_id from tracking.api_keys k
  where k.key_sha256 = api_key_company.key_sha256 and k.revoked_at is null
$$;

-- The direct API and CRM events. kind: conversion | lead | purchase | crm.
-- X-Idempotency-Key: same key + same body -> the stored answer; same key + other body -> 422.
-- A business fact already recorded -> 409 with the existing event_id (CRM: 202, it only reports).
create function tracking.ingest_api(
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
    select m.meta_event into ev_name from tracking.event_mappings m
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
    perform tracking.mark_inbound(inbound_pk, true, null, array['no_meta_event_mapped']);
    status_code := 202;
    resp := pg_catalog.jsonb_build_object('status', 'accepted', 'meta_event', null,
                                          'note', 'no Meta event is mapped to this business event');
  else
    ev := tracking.record_event(
      company, inbound_pk, src, ref, ev_name, ev_time,
      coalesce(b ->> 'action_source', case when b ->> 'event_source_url' is not null then 'website' else 'system_generated' end),
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

-- What the Mercado Pago worker needs for one stored notification: the payment id and the company's
-- encrypted access token (decrypted only in the worker that calls Mercado Pago).
create function tracking.mercadopago_job(inbound_pk bigint)
returns table (company_id uuid, payment_id text, key_id text, ciphertext bytea, status text)
language sql stable
set search_path = ''
as $$
  select i.company_id, i.body -> 'data' ->> 'id', s.key_id, s.ciphertext, i.status
  from tracking.inbound i
  left join app.secrets s on s.company_id = i.company_id and s.kind = 'mercadopago_access_token'
  where i.id = inbound_pk and i.source = 'mercadopago'
$$;

create function tracking.fail_inbound(inbound_pk bigint, err text) returns void
language sql
set search_path = ''
as $$
  select tracking.mark_inbound(inbound_pk, false, err)
$$;

do $$
begin
  if not exists (select 1 from pgmq.list_queues() where queue_name = 'mercadopago') then
    perform pgmq.create('mercadopago');
  end if;
  perform app.wake_workers_on_insert('mercadopago');
end
$$;

revoke execute on all functions in schema tracking from public, anon;
grant execute on function
tracking.ingest_perfectpay(text, text, jsonb, text),
tracking.ingest_mercadopago(text, text, jsonb, text),
tracking.ingest_collect(text, text, text, text, text, text),
tracking.ingest_api(text, text, text, text, text),
tracking.endpoint_secret(text, text, text),
tracking.collector_origin_allowed(text, text),
tracking.process_inbound(bigint, jsonb),
tracking.replay_inbound(bigint),
tracking.replay_failed(uuid),
tracking.mercadopago_job(bigint),
tracking.fail_inbound(bigint, text),
tracking.reject(uuid, text, text, int, text, text, int),
tracking.queue_waiting_events(uuid),
tracking.expire_event_keys()
to service_role;
grant execute on function tracking.estimate_match_quality(jsonb) to authenticated, service_role;
