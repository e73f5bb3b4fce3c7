-- The status the steps imply. Failed (lead must act) wins; then the earliest phase not yet done.
create or replace function setup.derived_status(session uuid) returns text
language sql stable
set search_path = ''
as $$
  select case
    when pg_catalog.bool_or(st.status = 'failed') then 'needs_attention'
    when pg_catalog.bool_or(k.phase = 'validate' and st.status <> 'succeeded') then 'validating'
    when pg_catalog.bool_or(k.phase = 'provision' and st.status <> 'succeeded') then 'provisioning'
    when pg_catalog.bool_or(k.phase = 'qa' and st.status <> 'succeeded') then 'awaiting_event'
    when pg_catalog.bool_or(s.active_at is not null) then 'active'
    else 'event_received'
  end
  from setup.steps st
  join setup.step_kinds k on k.name = st.name
  join setup.sessions s on s.id = st.session_id
  where st.session_id = session
$$;
revoke all on function setup.derived_status(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.derived_status(uuid) to service_role;
