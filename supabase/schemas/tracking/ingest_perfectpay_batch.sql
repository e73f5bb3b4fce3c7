-- Perfect Pay postbacks are stored in batches: the API hands over together the postbacks that arrived
-- while its previous call was under way, and this function judges, stores and queues them with one
-- statement per table and one commit for the lot (group commit). Each is still acknowledged only after
-- that commit, and each gets its own answer, exactly as if it had come alone: a single postback is the
-- batch of one (tracking.ingest_perfectpay). A postback with a field that will certainly fail
-- (tracking.perfectpay_field_problem) is stored raw as 'failed', for a replay after the fix, and answered
-- 422 naming the field.
create or replace function tracking.ingest_perfectpay_batch(keys text [], bodies text [], headers jsonb [], requests text [])
returns table (ord int, http_status int, response jsonb)
language plpgsql
set search_path = ''
-- planned once per session (plpgsql caches the plan; generic, since planning costs more than running it)
set plan_cache_mode = 'force_generic_plan'
as $$
begin
  return query
  -- materialized: each body is parsed once, not once per reference to b
  with input as materialized (
    select u.ord::int as ord, u.key, u.body, u.body::jsonb as b, u.hdrs, u.request
    from rows from (
      pg_catalog.unnest(keys), pg_catalog.unnest(bodies), pg_catalog.unnest(headers), pg_catalog.unnest(requests)
    ) with ordinality as u (key, body, hdrs, request, ord)
  ),

  -- the token is compared by its SHA-256 against the stored one (digests leak nothing useful by timing)
  checked as (
    select
      i.*,
      e.company_id,
      case
        when e.company_id is null then 404
        when pg_catalog.jsonb_typeof(i.b) <> 'object' or coalesce(i.b ->> 'token', '') = ''
             or pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(i.b ->> 'token', 'UTF8')), 'hex')
             <> e.token_sha256 then 401
        when coalesce(i.b ->> 'code', '') = '' or i.b ->> 'sale_status_enum' is null then 422
      end as refusal
    from input as i
    left join tracking.endpoints as e
      on e.public_key = i.key and e.kind = 'perfectpay' and e.disabled_at is null
  ),

  -- an authentic, complete postback with a field that will certainly fail: 422 too, but stored raw
  judged as (
    select c.*, coalesce(c.refusal, case when p.problem is not null then 422 end, 200) as verdict, p.problem
    from checked as c
    cross join lateral (
      select case when c.refusal is null then tracking.perfectpay_field_problem(c.b) end as problem
      offset 0  -- kept a subquery: pulled up, the check would run once per reference
    ) as p
  ),

  -- ids drawn up front so that each answer can name its own stored row
  numbered as (
    select
      j.*,
      case when j.verdict = 200 or j.problem is not null
           then pg_catalog.nextval('tracking.inbound_id_seq'::regclass) end as inbound_pk
    from judged as j
  ),

  stored as (
    insert into tracking.inbound (id, company_id, source, request_id, headers, body, status, failed_at, error)
    overriding system value
    select
      n.inbound_pk, n.company_id, 'perfectpay', n.request, coalesce(n.hdrs, '{}'::jsonb),
      pg_catalog.jsonb_set(n.b, '{token}', '"[redacted]"'),
      case when n.verdict = 200 then 'received' else 'failed' end,
      case when n.verdict <> 200 then app.now() end,
      case when n.verdict <> 200 then 'refused (422): ' || (n.problem ->> 'message') end
    from numbered as n
    where n.inbound_pk is not null
    order by n.ord
    returning id, status
  ),

  -- one ingest message per stored postback, in the same transaction (referenced below so that it runs;
  -- pgmq refuses an empty batch)
  queued as (
    select case when exists (select from stored as s where s.status = 'received') then (
      select count(*) from pgmq.send_batch('ingest', (
        select pg_catalog.array_agg(pg_catalog.jsonb_build_object('inbound', s.id) order by s.id)
        from stored as s where s.status = 'received'
      ))
    ) end as n
  )

  select
    n.ord,
    n.verdict,
    case n.verdict
      when 200 then pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'status', 'accepted', 'inbound_id', n.inbound_pk,
        'event_id', tracking.derive_event_id(n.company_id, 'perfectpay', n.b ->> 'code',
          (select m.meta_event from tracking.status_mapping_of(n.company_id, 'perfectpay', tracking.perfectpay_status(n.b)) as m))))
      when 404 then tracking.reject(null, 'perfectpay', n.request, 404, 'unknown_endpoint',
        'no Perfect Pay webhook has this URL; copy the URL again from your Track AI setup', pg_catalog.length(n.body))
      when 401 then tracking.reject(n.company_id, 'perfectpay', n.request, 401, 'invalid_token',
        'the postback token does not match the Perfect Pay token saved for this company', pg_catalog.length(n.body))
      else case when n.problem is not null then pg_catalog.jsonb_set(pg_catalog.jsonb_set(
        tracking.reject(n.company_id, 'perfectpay', n.request, 422, 'invalid_field', n.problem ->> 'message',
                        pg_catalog.length(n.body)),
        '{error,field}', n.problem -> 'field'), '{error,inbound_id}', pg_catalog.to_jsonb(n.inbound_pk))
      else tracking.reject(n.company_id, 'perfectpay', n.request, 422, 'missing_fields',
        'a Perfect Pay postback needs code and sale_status_enum', pg_catalog.length(n.body)) end
    end
  from numbered as n cross join queued
  order by n.ord;
end
$$;
revoke all on function tracking.ingest_perfectpay_batch(text[],text[],jsonb[],text[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_perfectpay_batch(text[],text[],jsonb[],text[]) to service_role;
