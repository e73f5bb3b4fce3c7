-- What the dashboard, the API and the MCP tools show: the session and each step with its diagnosis.
create or replace function setup.status_report(session uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'session_id', s.id, 'company_id', s.company_id, 'status', s.status, 'gateway', s.gateway,
    'pixel_id', s.pixel_id, 'landing_url', s.landing_url, 'tracking_domain', s.tracking_domain,
    'test_event_code', s.test_event_code, 'webhook_key', s.webhook_key, 'collector_key', s.collector_key,
    'created_at', s.created_at, 'validating_at', s.validating_at, 'provisioning_at', s.provisioning_at,
    'awaiting_event_at', s.awaiting_event_at, 'event_received_at', s.event_received_at,
    'active_at', s.active_at, 'needs_attention_at', s.needs_attention_at,
    'steps', (
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', st.name, 'phase', k.phase, 'status', st.status, 'attempts', st.attempts,
        'depends_on', pg_catalog.to_jsonb(k.depends_on), 'queued_at', st.queued_at,
        'started_at', st.started_at, 'finished_at', st.finished_at, 'next_attempt_at', st.next_attempt_at,
        'result', st.result, 'last_error', st.last_error,
        'diagnosis', case when r.code is not null then pg_catalog.jsonb_build_object(
          'code', r.code, 'severity', r.severity, 'message_pt', r.message_pt, 'message_en', r.message_en,
          'field', r.field, 'next_action', r.next_action, 'retries_by_itself', r.retries) end)
        order by k.position)
      from setup.steps st
      join setup.step_kinds k on k.name = st.name
      left join setup.diagnosis_rules r on r.code = st.diagnosis_code
      where st.session_id = s.id))
  from setup.sessions s where s.id = session
$$;
revoke all on function setup.status_report(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.status_report(uuid) to service_role;
