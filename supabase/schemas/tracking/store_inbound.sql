-- Synchronous sources store the row as 'processed' (one write on the hot path); a processing
-- failure in the same transaction turns it into 'failed'. Asynchronous ones store 'received'.
create or replace function tracking.store_inbound(
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
revoke all on function tracking.store_inbound(uuid,text,text,jsonb,jsonb,boolean) from public, anon, authenticated, service_role, looker_reader;
