-- What the Mercado Pago worker needs for one stored notification: the payment id and the company's
-- encrypted access token (decrypted only in the worker that calls Mercado Pago).
create or replace function tracking.mercadopago_job(inbound_pk bigint)
returns table (company_id uuid, payment_id text, key_id text, ciphertext bytea, status text)
language sql stable
set search_path = ''
as $$
  select i.company_id, i.body -> 'data' ->> 'id', s.key_id, s.ciphertext, i.status
  from tracking.inbound i
  left join app.secrets s on s.company_id = i.company_id and s.kind = 'mercadopago_access_token'
  where i.id = inbound_pk and i.source = 'mercadopago'
$$;
revoke all on function tracking.mercadopago_job(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.mercadopago_job(bigint) to service_role;
