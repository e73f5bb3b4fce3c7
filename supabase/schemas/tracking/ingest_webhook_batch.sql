-- Gateway notifications are stored in batches, whatever the gateway (tracking.gateways): the API hands
-- over together the notifications that arrived while its previous call was under way, and this function
-- authenticates, judges, stores and queues them with one statement per table and one commit for the lot
-- (group commit). Each is still acknowledged only after that commit, and each gets its own answer,
-- exactly as if it had come alone (tracking.ingest_webhook is the batch of one).
-- - The endpoint is found by the URL's key; a gateway whose URL has none (the Utmify orders API) finds
--   the company by its token.
-- - A token gateway's credential (the API read it where the gateway row says) is compared by its SHA-256
--   with the stored one; a signature gateway's was verified by the API over the raw bytes.
-- - The gateway's adapter reads each body once here: a notification missing what identifies it is
--   refused (422 missing_fields, nothing stored); one with a field that will certainly fail is stored
--   raw as 'failed', for a replay after the fix, and answered 422 naming the field (invalid_field).
-- - The body field that carried the credential is stored redacted.
create or replace function tracking.ingest_webhook_batch(
    gateway text, keys text [], bodies text [], credentials text [], headers jsonb [], requests text []
)
returns table (ord int, http_status int, response jsonb)
language plpgsql
set search_path = ''
-- planned once per session (plpgsql caches the plan; generic, since planning costs more than running it)
set plan_cache_mode = 'force_generic_plan'
as $$
declare
  gw tracking.gateways;
  -- the body field that carries the credential, if one does (a row names at most one): stored redacted
  credential_field text;
begin
  select * into gw from tracking.gateways as g where g.gateway = ingest_webhook_batch.gateway;
  if not found then
    raise exception 'gateway % is not in tracking.gateways', gateway using errcode = '22023';
  end if;

  credential_field := pg_catalog.substring(pg_catalog.array_to_string(gw.credential_in, ' '), 'body:(\S+)');

  return query
  -- materialized: each body is parsed once, not once per reference to b
  with input as materialized (
    select u.ord::int as ord, u.key, u.body, u.body::jsonb as b, u.credential,
           pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(u.credential, 'UTF8')), 'hex') as credential_sha256,
           u.hdrs, u.request
    from rows from (
      pg_catalog.unnest(keys), pg_catalog.unnest(bodies), pg_catalog.unnest(credentials),
      pg_catalog.unnest(headers), pg_catalog.unnest(requests)
    ) with ordinality as u (key, body, credential, hdrs, request, ord)
  ),

  -- digests compared: they leak nothing useful by timing
  checked as (
    select
      i.*,
      e.company_id,
      case
        when e.company_id is null then case when i.key is null then 401 else 404 end
        when gw.auth = 'token' and (coalesce(i.credential, '') = '' or e.token_sha256 is null
                                    or i.credential_sha256 <> e.token_sha256) then 401
      end as refusal
    from input as i
    -- by the URL's key, else (no key in the URL) by the token: both an index probe
    left join tracking.endpoints as by_key
      on by_key.public_key = i.key and by_key.kind = gw.gateway and by_key.disabled_at is null
    left join tracking.endpoints as by_token
      on i.key is null and by_token.kind = 'utmify' and by_token.kind = gw.gateway
      and by_token.token_sha256 = i.credential_sha256 and by_token.disabled_at is null
    cross join lateral (select coalesce(by_key.company_id, by_token.company_id) as company_id,
                               coalesce(by_key.token_sha256, by_token.token_sha256) as token_sha256) as e
  ),

  -- each authentic body read by the gateway's adapter, identifying only (the id stands in for the row
  -- not yet stored; built as a row, its columns in table order: jsonb_populate_record would cost more
  -- than the adapter). A column of a materialized step, not a join: one call per body.
  adapted as materialized (
    select
      c.*,
      case when c.refusal is null
           then tracking.adapt(row(c.ord, c.company_id, gw.gateway, c.request, null, '{}', c.b, 'received',
                                   '{}', 0, null, null, null)::tracking.inbound, true) end as sale
    from checked as c
  ),

  judged as (
    select
      a.*, (a.sale).provider_ref, (a.sale).gateway_status, (a.sale).problem,
      coalesce(a.refusal, case when (a.sale).problem is not null then 422 end, gw.ack_status) as verdict
    from adapted as a
  ),

  -- ids drawn up front so that each answer can name its own stored row
  numbered as (
    select
      j.*,
      case when j.refusal is null and coalesce(j.problem ->> 'code', 'invalid_field') = 'invalid_field'
           then pg_catalog.nextval('tracking.inbound_id_seq'::regclass) end as inbound_pk
    from judged as j
  ),

  stored as (
    insert into tracking.inbound (id, company_id, source, request_id, headers, body, status, failed_at, error)
    overriding system value
    select
      n.inbound_pk, n.company_id, gw.gateway, n.request, coalesce(n.hdrs, '{}'::jsonb),
      case when n.b ? credential_field then pg_catalog.jsonb_set(n.b, array[credential_field], '"[redacted]"') else n.b end,
      case when n.problem is null then 'received' else 'failed' end,
      case when n.problem is not null then app.now() end,
      case when n.problem is not null then 'refused (422): ' || (n.problem ->> 'message') end
    from numbered as n
    where n.inbound_pk is not null
    order by n.ord
    returning id, status
  ),

  -- one ingest message per stored notification, in the same transaction (referenced below so that it
  -- runs; pgmq refuses an empty batch)
  queued as (
    select case when exists (select from stored as s where s.status = 'received') then (
      select pg_catalog.count(*) from pgmq.send_batch('ingest', (
        select pg_catalog.array_agg(pg_catalog.jsonb_build_object('inbound', s.id) order by s.id)
        from stored as s where s.status = 'received'
      ))
    ) end as n
  )

  select
    n.ord,
    n.verdict,
    case
      when n.verdict < 300 then pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'status', 'accepted', 'inbound_id', n.inbound_pk,
        'event_id', tracking.derive_event_id(n.company_id, gw.gateway, n.provider_ref,
          (select m.meta_event from tracking.status_mapping_of(n.company_id, gw.gateway, n.gateway_status) as m))))
      when n.verdict = 404 then tracking.reject(null, gw.gateway, n.request, 404, 'unknown_endpoint',
        'no ' || gw.label || ' webhook has this URL; copy the URL again from your Track AI setup',
        pg_catalog.length(n.body))
      when n.verdict = 401 then tracking.reject(n.company_id, gw.gateway, n.request, 401, 'invalid_token',
        (select case when n.company_id is null then 'no company has this ' || gw.credential_label || ' (' || w || ')'
                     when coalesce(n.credential, '') = '' then 'no ' || gw.credential_label
                       || ' came with the notification: ' || gw.label || ' sends it in the ' || w
                     else 'the ' || gw.credential_label || ' (' || w || ') does not match the one saved for this '
                       || gw.label || ' webhook' end
         -- where the credential travels, in words ("header x-hotmart-hottok or field hottok")
         from pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.array_to_string(gw.credential_in, ' or '),
                'header:', 'header '), 'query:', 'URL parameter '), 'body:', 'field ') as w),
        pg_catalog.length(n.body))
      else pg_catalog.jsonb_set(pg_catalog.jsonb_set(
        tracking.reject(n.company_id, gw.gateway, n.request, 422, coalesce(n.problem ->> 'code', 'invalid_field'),
                        n.problem ->> 'message', pg_catalog.length(n.body)),
        '{error,field}', n.problem -> 'field'), '{error,inbound_id}', coalesce(pg_catalog.to_jsonb(n.inbound_pk), 'null'))
    end
  from numbered as n cross join queued
  order by n.ord;
end
$$;
revoke all on function tracking.ingest_webhook_batch(text,text[],text[],text[],jsonb[],text[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_webhook_batch(text,text[],text[],text[],jsonb[],text[]) to service_role;
