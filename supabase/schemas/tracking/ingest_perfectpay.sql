-- POST /webhooks/perfectpay/{key}, one postback: answered exactly as in a batch of one
-- (tracking.ingest_perfectpay_batch, which the API's group commit calls).
create or replace function tracking.ingest_perfectpay(key text, body text, headers jsonb, request text)
returns table (http_status int, response jsonb)
language sql
set search_path = ''
as $$
  select b.http_status, b.response
  from tracking.ingest_perfectpay_batch(array[key], array[body], array[headers], array[request]) as b
$$;
revoke all on function tracking.ingest_perfectpay(text,text,jsonb,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_perfectpay(text,text,jsonb,text) to service_role;
