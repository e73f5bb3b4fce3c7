-- The conversion history of an event in one query: one row per request that carried it (or one row
-- with null attempt columns before the first). security_invoker: the caller's RLS applies.
create or replace view delivery.event_history with (security_invoker = true) as
select
    e.company_id,
    e.id as event_pk,
    e.event_id,
    e.event_name,
    e.event_time,
    e.status,
    e.attempts as event_attempts,
    e.received_at,
    e.queued_at,
    e.sent_at,
    e.dead_at,
    e.last_error,
    a.id as attempt_id,
    a.request_id,
    a.attempted_at,
    a.pixel_id,
    a.event_count,
    a.probe,
    a.http_status,
    a.failure,
    a.outcome,
    a.fbtrace_id,
    a.events_received,
    a.latency_ms,
    a.error_code,
    a.error_subcode,
    a.error_type,
    a.error_message,
    a.error_user_msg,
    a.is_transient,
    a.response_headers
from tracking.events as e
left join delivery.attempts as a on a.event_pks @> array[e.id];
comment on view delivery.event_history is 'One row per request to Meta that carried the event.';
revoke all on table delivery.event_history from public, anon, authenticated, service_role, looker_reader;
grant select on table delivery.event_history to authenticated, service_role;
