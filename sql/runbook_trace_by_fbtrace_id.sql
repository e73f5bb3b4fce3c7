-- Runbook: what did Meta's fbtrace_id (from an error, a Meta support ticket or Events Manager) carry?
-- Replace the value in params. One row per event of that request, with the request id of the API
-- call that brought each event in (grep the API logs for it).
with params as (
    select 'PUT-FBTRACE-ID-HERE'::text as fbtrace_id
)

select
    f.fbtrace_id,
    f.attempted_at,
    f.company_id,
    f.pixel_id,
    f.outcome,
    f.http_status,
    f.error_code,
    f.error_message,
    f.event_id,
    f.event_name,
    f.event_status,
    f.source,
    f.ingest_request_id,
    f.dispatch_request_id
from monitoring.fbtrace_events as f
inner join params as p on f.fbtrace_id = p.fbtrace_id
order by f.event_pk;
