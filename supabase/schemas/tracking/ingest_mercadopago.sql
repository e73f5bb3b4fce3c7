-- POST /webhooks/mercadopago/{key}: the API has verified x-signature with the decrypted secret;
-- here the notification is stored and queued for the worker that fetches the payment.
create or replace function tracking.ingest_mercadopago(key text, body text, headers jsonb, request text)
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
    perform tracking.mark_inbound(array[inbound_pk], true, null, array['not_a_payment']);
  end if;
  return query select 200, pg_catalog.jsonb_build_object('status', 'accepted', 'inbound_id', inbound_pk);
end
$$;
revoke all on function tracking.ingest_mercadopago(text,text,jsonb,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_mercadopago(text,text,jsonb,text) to service_role;
