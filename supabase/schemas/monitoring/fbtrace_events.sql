-- Looker Studio / runbook: Meta's fbtrace_id -> the request to Meta -> the events it carried, with the
-- request id of the API call that brought each event in. Filter on fbtrace_id (indexed). It keeps its
-- owner's rights and is granted to no dashboard user: Looker reads reporting.fbtrace_events, whose
-- fbtrace_id filter reaches the index only through views (reporting.rows_of would compute every row:
-- 1.7 s a lookup on 300,000 events). The dashboard finds an fbtrace_id in delivery.attempts.
create or replace view monitoring.fbtrace_events with (security_barrier = true) as
select
    a.fbtrace_id,
    a.id as attempt_id,
    a.attempted_at,
    a.company_id,
    a.pixel_id,
    a.request_id as dispatch_request_id,
    a.outcome,
    a.http_status,
    a.error_code,
    a.error_message,
    e.id as event_pk,
    e.event_id,
    e.event_name,
    e.status as event_status,
    e.source,
    e.request_id as ingest_request_id,
    e.received_at
from delivery.attempts as a
cross join lateral unnest(a.event_pks) as u (event_pk)
inner join tracking.events as e on u.event_pk = e.id
where
    a.fbtrace_id is not null
    and (
        (select monitoring.sees_all(current_user))
        or a.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(a.company_id)
    );
revoke all on table monitoring.fbtrace_events from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.fbtrace_events to service_role;
