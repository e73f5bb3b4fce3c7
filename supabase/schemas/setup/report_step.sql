-- The one way a step's outcome is written. A report for an attempt that is no longer current (a
-- worker that was presumed dead) changes nothing. A failure is looked up in setup.diagnosis_rules:
-- retried with exponential backoff while the rule allows, else failed until the lead acts.
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
revoke all on function setup.report_step(bigint,integer,jsonb,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.report_step(bigint,integer,jsonb,text,text) to service_role;
