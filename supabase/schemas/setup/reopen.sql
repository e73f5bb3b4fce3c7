-- Put steps back to pending (and everything downstream of them), then advance. Used by corrections
-- and re-validation; the only way a session's status may move back.
create or replace function setup.reopen(session uuid, step_names text []) returns text []
language plpgsql
set search_path = ''
as $$
declare
  names text [];
begin
  with recursive downstream (name) as (
    select unnest(step_names)
    union
    select k.name from setup.step_kinds k join downstream d on d.name = any(k.depends_on)
  )
  select coalesce(array_agg(distinct name), '{}') into names from downstream;
  update setup.steps set status = 'pending', attempts = 0, diagnosis_code = null, last_error = null,
    queued_at = null, started_at = null, finished_at = null, next_attempt_at = null, updated_at = app.now()
  where session_id = session and name = any(names);
  perform pg_catalog.set_config('setup.reopening', 'on', true);
  perform setup.advance(session);
  perform pg_catalog.set_config('setup.reopening', 'off', true);
  return names;
end
$$;
revoke all on function setup.reopen(uuid,text[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.reopen(uuid,text[]) to service_role;
