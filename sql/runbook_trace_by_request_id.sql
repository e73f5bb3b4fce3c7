-- Runbook: everything a request id (X-Request-Id, the `request_id` of a log line or of an error
-- answer) touched: the stored request, a refusal, the events it recorded and every request to Meta
-- that carried them (status, fbtrace_id, Meta's error). Replace the value in params.
with params as (
    select 'PUT-REQUEST-ID-HERE'::text as request_id
),

inbound as (
    select
        i.id,
        i.company_id,
        i.source,
        i.status,
        i.received_at,
        i.error
    from tracking.inbound as i
    inner join params as p on i.request_id = p.request_id
),

refused as (
    select
        r.company_id,
        r.source,
        r.http_status,
        r.error_code,
        r.message,
        r.received_at
    from tracking.rejected_requests as r
    inner join params as p on r.request_id = p.request_id
)

select
    'inbound' as what,
    i.company_id,
    i.source,
    i.status,
    null::text as event_id,
    null::text as fbtrace_id,
    i.error as detail,
    i.received_at as at
from inbound as i
union all
select
    'refused' as what,
    r.company_id,
    r.source,
    r.http_status::text as status,
    null::text as event_id,
    null::text as fbtrace_id,
    r.error_code || ': ' || r.message as detail,
    r.received_at as at
from refused as r
union all
select
    'event / attempt' as what,
    h.company_id,
    e.source,
    coalesce(h.outcome, h.status) as status,
    h.event_id,
    h.fbtrace_id,
    coalesce(h.error_message, h.last_error) as detail,
    coalesce(h.attempted_at, h.received_at) as at
from delivery.event_history as h
inner join tracking.events as e on h.event_pk = e.id
inner join params as p on e.request_id = p.request_id
order by at;
