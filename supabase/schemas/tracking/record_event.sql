-- One event, recorded as a batch of one (tracking.record_events has the rules): for the sources that
-- answer one request at a time (the collector, the direct API, WhatsApp, CRM, conversion rules).
create or replace function tracking.record_event(
    company uuid,
    inbound_pk bigint,
    source text,
    provider_ref text,
    event_name text,
    event_time timestamptz,
    action_source text,
    event_source_url text,
    raw_user jsonb,
    custom_data jsonb,
    visitor text default null,
    browser_event_id text default null,
    request text default null,
    extra jsonb default '{}'::jsonb,
    out event_pk bigint,
    out event_id text,
    out duplicate boolean,
    out status text
)
language sql
set search_path = ''
as $$
  select r.event_pk, r.event_id, r.duplicate, r.status
  from tracking.record_events(array[row(
    1, company, inbound_pk, source, provider_ref, event_name, event_time, action_source, event_source_url,
    raw_user, custom_data, visitor, browser_event_id, request, extra)::tracking.event_input]) as r
$$;
revoke all on function tracking.record_event(uuid,bigint,text,text,text,timestamp with time zone,text,text,jsonb,jsonb,text,text,text,jsonb) from public, anon, authenticated, service_role, looker_reader;
