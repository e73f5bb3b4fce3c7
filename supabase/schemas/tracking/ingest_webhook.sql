-- One gateway notification: answered exactly as in a batch of one (tracking.ingest_webhook_batch, which
-- the API's group commit calls).
create or replace function tracking.ingest_webhook(
    gateway text, key text, body text, credential text, headers jsonb, request text
)
returns table (http_status int, response jsonb)
language sql
set search_path = ''
as $$
  select b.http_status, b.response
  from tracking.ingest_webhook_batch(gateway, array[key], array[body], array[credential], array[headers], array[request]) as b
$$;
revoke all on function tracking.ingest_webhook(text,text,text,text,jsonb,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_webhook(text,text,text,text,jsonb,text) to service_role;
