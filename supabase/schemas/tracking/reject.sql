-- The sources: each ingest_* function is one round trip from the API. It authenticates the request
-- against the company's keys, stores the inbound row (durable before the 2xx), processes it in a
-- subtransaction (a failure marks the inbound 'failed' and keeps it for tracking.replay_inbound),
-- and answers (http_status, body). Rejections are logged in tracking.rejected_requests.
create or replace function tracking.reject(
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
revoke all on function tracking.reject(uuid,text,text,integer,text,text,integer) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.reject(uuid,text,text,integer,text,text,integer) to service_role;
