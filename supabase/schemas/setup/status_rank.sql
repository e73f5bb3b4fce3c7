-- The onboarding journey, decided here: which steps are ready, what a failure means, what the
-- session's status is. Workers call setup.start_step / setup.report_step; the API calls
-- setup.create_session, setup.correct, setup.revalidate and reads setup.status_report.
create or replace function setup.status_rank(status text) returns int
language sql immutable
set search_path = ''
as $$
  select pg_catalog.array_position(
    array['validating', 'provisioning', 'awaiting_event', 'event_received', 'active'], status)
$$;
revoke all on function setup.status_rank(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.status_rank(text) to service_role;
