-- Perfect Pay postbacks are acknowledged once stored, and processed by the ingest worker in batches.
-- The synchronous path spent ~2 ms of database CPU per postback (normalise, hash, match, dedup, sale,
-- queue), which capped webhooks near 550/s on two cores; storing and queueing costs a fraction of
-- that, and a gateway needs only a fast 200. The answer still names the event_id the sale will
-- carry (the same derivation as tracking.record_sale), so callers can follow it.

select pgmq.create('ingest');
select app.wake_workers_on_insert('ingest');

create or replace function tracking.ingest_perfectpay(key text, body text, headers jsonb, request text)
returns table (http_status int, response jsonb)
language plpgsql
set search_path = ''
as $$
declare
  ep tracking.endpoints;
  b jsonb := body::jsonb;
  inbound_pk bigint;
  meta_event text;
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
                                    pg_catalog.jsonb_set(b, '{token}', '"[redacted]"'), false);
  perform pgmq.send('ingest', pg_catalog.jsonb_build_object('inbound', inbound_pk));
  meta_event := (tracking.status_mapping(ep.company_id, 'perfectpay', tracking.perfectpay_status(b))).meta_event;
  return query select 200, pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'status', 'accepted', 'inbound_id', inbound_pk,
    'event_id', case when meta_event is not null
                     then tracking.derive_event_id(ep.company_id, 'perfectpay', b ->> 'code', meta_event) end));
end
$$;

-- The ingest worker's batch: each stored request is processed in its own subtransaction (a failure
-- marks that row failed, replayable, and the rest go on); the caller deletes the messages in the
-- same transaction, so a crash before the commit leaves them to be read again.
create function tracking.process_inbound_batch(inbound_ids bigint []) returns table (inbound_id bigint, outcome text)
language sql
set search_path = ''
as $$
  select i.id, tracking.process_inbound(i.id)
  from tracking.inbound i
  where i.id = any(inbound_ids) and i.status = 'received'
  order by i.id
$$;

revoke execute on all functions in schema tracking from public, anon;
grant execute on function tracking.process_inbound_batch(bigint []) to service_role;
