-- A failure noticed outside a worker (a postback refused for its token): the step fails with its
-- diagnosis at once, and the session needs attention.
create or replace function setup.fail_step(session uuid, step_name text, code text, message text) returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 1 from setup.sessions s where s.id = session for update;
  update setup.steps set status = 'failed', diagnosis_code = code, last_error = message,
    finished_at = app.now(), next_attempt_at = null, updated_at = app.now()
  where session_id = session and name = step_name and status <> 'failed';
  if found then
    perform setup.refresh(session);
  end if;
end
$$;
revoke all on function setup.fail_step(uuid,text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.fail_step(uuid,text,text,text) to service_role;
