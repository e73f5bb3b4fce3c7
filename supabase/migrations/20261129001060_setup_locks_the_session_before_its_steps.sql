-- Lock order for a session's steps: the session row first, then the step. report_step and fail_step
-- used to lock the step first and the session later (in advance/refresh), so two reports of one
-- session could each hold one and wait for the other (a deadlock seen under load).
create or replace function setup.report_step(
    step bigint, attempt int, result jsonb, error_code text default null, error_message text default null
) returns text
language plpgsql
set search_path = ''
as $$
declare
  st setup.steps;
  rule setup.diagnosis_rules;
  delay int;
begin
  -- the session first, then the step: every writer of a session's steps takes locks in this order
  perform 1 from setup.sessions s where s.id = (select x.session_id from setup.steps x where x.id = step)
  for update;
  select * into st from setup.steps x where x.id = step for update;
  if not found or st.status <> 'running' or st.attempts <> attempt then
    return null;
  end if;
  if error_code is null then
    update setup.steps set status = 'succeeded', result = coalesce(report_step.result, '{}'),
      diagnosis_code = null, last_error = null, finished_at = app.now(), updated_at = app.now()
    where id = step;
    perform setup.advance(st.session_id);
    return 'succeeded';
  end if;
  select * into rule from setup.diagnosis_rules r where r.code = error_code;
  if not found then
    select * into rule from setup.diagnosis_rules r where r.code = 'internal.error';
  end if;
  if rule.retries and st.attempts < rule.max_attempts then
    delay := least(rule.backoff_s * (2 ^ (st.attempts - 1))::int, 600);
    update setup.steps set status = 'retrying', diagnosis_code = rule.code,
      last_error = pg_catalog.left(error_message, 1000),
      next_attempt_at = app.now() + pg_catalog.make_interval(secs => delay), updated_at = app.now()
    where id = step;
    perform pgmq.send('setup', pg_catalog.jsonb_build_object('step_id', step), delay);
  else
    update setup.steps set status = 'failed', diagnosis_code = rule.code,
      last_error = pg_catalog.left(error_message, 1000), finished_at = app.now(), updated_at = app.now()
    where id = step;
  end if;
  perform setup.refresh(st.session_id);
  return (select x.status from setup.steps x where x.id = step);
end
$$;

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
