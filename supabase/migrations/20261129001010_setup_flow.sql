-- The onboarding journey, decided here: which steps are ready, what a failure means, what the
-- session's status is. Workers call setup.start_step / setup.report_step; the API calls
-- setup.create_session, setup.correct, setup.revalidate and reads setup.status_report.

create function setup.status_rank(status text) returns int
language sql immutable
set search_path = ''
as $$
  select pg_catalog.array_position(
    array['validating', 'provisioning', 'awaiting_event', 'event_received', 'active'], status)
$$;

-- Forward moves may skip statuses (steps overlap); needs_attention is reachable from and to every
-- status; going back happens only inside setup.reopen (a correction or a re-validation).
create function setup.guard_transition() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = old.status or new.status = 'needs_attention' or old.status = 'needs_attention'
     or setup.status_rank(new.status) > setup.status_rank(old.status)
     or pg_catalog.current_setting('setup.reopening', true) = 'on' then
    new.updated_at := app.now();
    return new;
  end if;
  raise exception 'a setup session cannot go from % back to %', old.status, new.status
    using errcode = 'check_violation';
end
$$;
create trigger guard_transition before update of status on setup.sessions
for each row execute function setup.guard_transition();

-- The status the steps imply. Failed (lead must act) wins; then the earliest phase not yet done.
create function setup.derived_status(session uuid) returns text
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

-- Bring the session's status in line with its steps, stamping every status it reaches (also those
-- it skips past). Reaching event_received ends the company's test mode: later events are live.
create function setup.refresh(session uuid) returns text
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
  target text;
  r int;
  t timestamptz := app.now();
begin
  select * into s from setup.sessions where id = session for update;
  target := setup.derived_status(session);
  if target is not distinct from s.status then
    return target;
  end if;
  r := coalesce(setup.status_rank(target), 0);
  update setup.sessions set
    status = target,
    provisioning_at = case when r >= 2 then coalesce(provisioning_at, t) else provisioning_at end,
    awaiting_event_at = case when r >= 3 then coalesce(awaiting_event_at, t) else awaiting_event_at end,
    event_received_at = case when r >= 4 then coalesce(event_received_at, t) else event_received_at end,
    needs_attention_at = case when target = 'needs_attention' then t else needs_attention_at end
  where id = session;
  if r >= 4 and s.event_received_at is null then
    update app.companies set test_event_code = null where id = s.company_id;
  end if;
  return target;
end
$$;

-- Queue every pending step whose dependencies have all succeeded, then refresh the status.
create function setup.advance(session uuid) returns int
language plpgsql
set search_path = ''
as $$
declare
  st record;
  n int := 0;
begin
  for st in
    select x.id from setup.steps x
    join setup.step_kinds k on k.name = x.name
    where x.session_id = session and x.status = 'pending'
      and not exists (
        select 1 from setup.steps d
        where d.session_id = session and d.name = any(k.depends_on) and d.status <> 'succeeded')
    order by k.position
    for update of x
  loop
    update setup.steps set status = 'queued', queued_at = app.now(), updated_at = app.now() where id = st.id;
    perform pgmq.send('setup', pg_catalog.jsonb_build_object('step_id', st.id));
    n := n + 1;
  end loop;
  perform setup.refresh(session);
  return n;
end
$$;

-- Put steps back to pending (and everything downstream of them), then advance. Used by corrections
-- and re-validation; the only way a session's status may move back.
create function setup.reopen(session uuid, step_names text []) returns text []
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

-- A new session (and, when company is null, a new company owned by the user). The API verified the
-- user's token; membership is decided here. The caller stores the encrypted secrets in the same
-- transaction, then calls setup.advance.
create function setup.create_session(
    company uuid, company_name text, by_user uuid, fields jsonb, webhook_token_sha256 text
) returns setup.sessions
language plpgsql
set search_path = ''
as $$
declare
  cid uuid := company;
  wh text := 'wh_' || pg_catalog.translate(pg_catalog.encode(extensions.gen_random_bytes(18), 'base64'), '+/', '-_');
  co text := 'co_' || pg_catalog.translate(pg_catalog.encode(extensions.gen_random_bytes(18), 'base64'), '+/', '-_');
  s setup.sessions;
  gw text := fields ->> 'gateway';
begin
  if cid is null then
    if coalesce(pg_catalog.btrim(company_name), '') = '' then
      raise exception 'company_name is required for a new company' using errcode = 'invalid_parameter_value';
    end if;
    insert into app.companies (name, slug)
    values (company_name, pg_catalog.left(pg_catalog.btrim(pg_catalog.regexp_replace(
              pg_catalog.lower(company_name), '[^a-z0-9]+', '-', 'g'), '-'), 40)
            || '-' || pg_catalog.substr(pg_catalog.md5(pg_catalog.random()::text), 1, 6))
    returning id into cid;
    insert into app.company_members (company_id, user_id, role) values (cid, by_user, 'backoffice_admin');
  elsif not exists (select 1 from app.company_members m where m.company_id = cid and m.user_id = by_user
                      and app.role_rank(m.role) >= app.role_rank('marketing_admin')) then
    raise exception 'you are not an admin of this company' using errcode = 'insufficient_privilege';
  elsif exists (select 1 from setup.sessions x where x.company_id = cid) then
    raise exception 'this company already has a setup session' using errcode = 'unique_violation';
  end if;
  insert into tracking.endpoints (company_id, kind, public_key, token_sha256)
  values (cid, gw, wh, case when gw = 'perfectpay' then webhook_token_sha256 end),
         (cid, 'collector', co, null);
  insert into tracking.allowed_origins (company_id, origin)
  values (cid, pg_catalog.lower(pg_catalog.substring(fields ->> 'landing_url', '^(https?://[^/?#]+)')))
  on conflict do nothing;
  insert into delivery.destinations (company_id, pixel_id) values (cid, fields ->> 'pixel_id')
  on conflict (company_id, pixel_id) do nothing;
  update app.companies set test_event_code = fields ->> 'test_event_code' where id = cid;
  insert into setup.sessions (company_id, created_by, pixel_id, gateway, landing_url, tracking_domain,
                              test_event_code, webhook_key, collector_key)
  values (cid, by_user, fields ->> 'pixel_id', gw, fields ->> 'landing_url',
          pg_catalog.lower(fields ->> 'tracking_domain'), fields ->> 'test_event_code', wh, co)
  returning * into s;
  insert into setup.steps (session_id, company_id, name)
  select s.id, cid, k.name from setup.step_kinds k;
  return s;
end
$$;

-- The lead corrects fields (secrets are re-encrypted by the caller in the same transaction and only
-- named here): only the steps that read a changed field re-run, with everything downstream.
create function setup.correct(session uuid, fields jsonb, secret_fields text [], webhook_token_sha256 text)
returns text []
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
  changed text [] := coalesce(secret_fields, '{}');
  f text;
begin
  select * into s from setup.sessions where id = session for update;
  if not found then
    raise exception 'no setup session %', session using errcode = 'no_data_found';
  end if;
  for f in select pg_catalog.jsonb_object_keys(fields) loop
    if f not in ('pixel_id', 'landing_url', 'tracking_domain', 'test_event_code') then
      raise exception 'field % cannot be corrected', f using errcode = 'invalid_parameter_value';
    end if;
  end loop;
  update setup.sessions set
    pixel_id = coalesce(fields ->> 'pixel_id', pixel_id),
    landing_url = coalesce(fields ->> 'landing_url', landing_url),
    tracking_domain = coalesce(pg_catalog.lower(fields ->> 'tracking_domain'), tracking_domain),
    test_event_code = case when fields ? 'test_event_code' then fields ->> 'test_event_code' else test_event_code end,
    gateway_secret_at = case when 'gateway_secret' = any(changed) then app.now() else gateway_secret_at end
  where id = session;
  if fields ? 'pixel_id' then
    update delivery.destinations set pixel_id = fields ->> 'pixel_id'
    where company_id = s.company_id and pixel_id = s.pixel_id;
  end if;
  if fields ? 'landing_url' then
    insert into tracking.allowed_origins (company_id, origin)
    values (s.company_id, pg_catalog.lower(pg_catalog.substring(fields ->> 'landing_url', '^(https?://[^/?#]+)')))
    on conflict do nothing;
  end if;
  if fields ? 'test_event_code' and s.event_received_at is null then
    update app.companies set test_event_code = fields ->> 'test_event_code' where id = s.company_id;
  end if;
  if 'gateway_secret' = any(changed) and s.gateway = 'perfectpay' then
    update tracking.endpoints set token_sha256 = webhook_token_sha256 where public_key = s.webhook_key;
  end if;
  changed := changed || array(select pg_catalog.jsonb_object_keys(fields));
  return setup.reopen(session, array(select k.name from setup.step_kinds k where k.reads && changed));
end
$$;

-- Re-run the failed steps (or, with all_steps, every step) of a session.
create function setup.revalidate(session uuid, all_steps boolean default false) returns text []
language sql
set search_path = ''
as $$
  select setup.reopen(session, array(
    select st.name from setup.steps st
    where st.session_id = session and (all_steps or st.status in ('failed', 'retrying'))))
$$;

-- A worker takes a step. Null when there is nothing to do (already done, or a stale duplicate
-- message); a step left 'running' by a worker that died is taken again when its message comes back.
create function setup.start_step(step bigint)
returns table (
    step_id bigint, name text, attempt int, session_id uuid, company_id uuid, session jsonb,
    results jsonb, secrets jsonb
)
language plpgsql
set search_path = ''
as $$
declare
  st setup.steps;
begin
  update setup.steps x set status = 'running', attempts = x.attempts + 1, started_at = app.now(),
    next_attempt_at = null, updated_at = app.now()
  where x.id = step and x.status in ('queued', 'retrying', 'running')
  returning * into st;
  if not found then
    return;
  end if;
  return query
  select st.id, st.name, st.attempts, s.id, s.company_id,
    pg_catalog.to_jsonb(s) - 'created_by',
    (select coalesce(pg_catalog.jsonb_object_agg(d.name, d.result), '{}') from setup.steps d
     where d.session_id = s.id and d.status = 'succeeded'),
    (select coalesce(pg_catalog.jsonb_object_agg(a.kind, pg_catalog.jsonb_build_object(
       'key_id', a.key_id, 'ciphertext', pg_catalog.encode(a.ciphertext, 'base64'))), '{}')
     from app.secrets a where a.company_id = s.company_id)
  from setup.sessions s where s.id = st.session_id;
end
$$;

-- The one way a step's outcome is written. A report for an attempt that is no longer current (a
-- worker that was presumed dead) changes nothing. A failure is looked up in setup.diagnosis_rules:
-- retried with exponential backoff while the rule allows, else failed until the lead acts.
create function setup.report_step(
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

-- What the dashboard, the API and the MCP tools show: the session and each step with its diagnosis.
create function setup.status_report(session uuid) returns jsonb
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

-- A failure noticed outside a worker (a postback refused for its token): the step fails with its
-- diagnosis at once, and the session needs attention.
create function setup.fail_step(session uuid, step_name text, code text, message text) returns void
language plpgsql
set search_path = ''
as $$
begin
  update setup.steps set status = 'failed', diagnosis_code = code, last_error = message,
    finished_at = app.now(), next_attempt_at = null, updated_at = app.now()
  where session_id = session and name = step_name and status <> 'failed';
  if found then
    perform setup.refresh(session);
  end if;
end
$$;

-- The gateway posts with a token other than the one the lead gave: that is the lead's to fix.
create function setup.note_rejected_postback() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
begin
  select * into s from setup.sessions x where x.company_id = new.company_id and x.gateway = new.source;
  if found then
    perform setup.fail_step(s.id, 'validate_gateway', 'gateway.token_mismatch',
      pg_catalog.format('a %s postback was refused at %s: %s', new.source, new.received_at, new.message));
  end if;
  return null;
end
$$;
create trigger rejected_postbacks_reach_setup after insert on tracking.rejected_requests
for each row when (new.company_id is not null and new.error_code in ('invalid_token', 'bad_signature'))
execute function setup.note_rejected_postback();

-- A live event delivered after the test event makes the session active.
create function setup.note_live_delivery() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update setup.sessions s set status = 'active', active_at = app.now()
  where s.company_id = new.company_id and s.status = 'event_received' and new.received_at > s.event_received_at;
  return null;
end
$$;
create trigger events_activate_setup after update of status on tracking.events
for each row when (new.status = 'sent' and old.status is distinct from 'sent')
execute function setup.note_live_delivery();

-- Whether the gateway refused a postback since the lead last gave its secret (validate_gateway).
create function setup.gateway_rejections_since_secret(session uuid) returns bigint
language sql stable
set search_path = ''
as $$
  select count(*) from tracking.rejected_requests r
  join setup.sessions s on s.company_id = r.company_id and r.source = s.gateway
  where s.id = session and r.error_code in ('invalid_token', 'bad_signature')
    and r.received_at >= s.gateway_secret_at
$$;

-- The test event's fate at Meta: its state and the fbtrace_id of the request that carried it.
create function setup.test_event_delivery(session uuid, meta_event_id text)
returns table (status text, fbtrace_id text, match_quality numeric, last_error text)
language sql stable
set search_path = ''
as $$
  select e.status, (select a.fbtrace_id from delivery.attempts a
                    where a.event_pks @> array[e.id] and a.outcome = 'sent'
                    order by a.attempted_at desc limit 1),
         e.match_quality, e.last_error
  from tracking.events e join setup.sessions s on s.company_id = e.company_id
  where s.id = session and e.event_id = meta_event_id
$$;

-- The Perfect Pay postback the test_event step sends through the tenant's public webhook (the shape
-- of gateways.md §1.9): the same for every attempt, so a retry is a duplicate, never a second sale.
create function setup.test_postback(session uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'code', 'PPTEST' || pg_catalog.upper(pg_catalog.substr(pg_catalog.replace(s.id::text, '-', ''), 1, 12)),
    'sale_amount', 1.0, 'currency_enum', 1, 'currency_enum_key', 'BRL',
    'payment_type_enum', 4, 'payment_type_enum_key', 'pix',
    'sale_status_enum', 2, 'sale_status_detail', 'approved',
    'date_created', pg_catalog.to_char(app.now() at time zone 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI:SS'),
    'date_approved', pg_catalog.to_char(app.now() at time zone 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI:SS'),
    'product', pg_catalog.jsonb_build_object('code', 'PPTRACKAI', 'name', 'Track AI test event'),
    'customer', pg_catalog.jsonb_build_object(
      'customer_type_enum', 1, 'full_name', 'Teste Track AI',
      'email', 'teste+' || pg_catalog.substr(s.id::text, 1, 8) || '@trackai.com.br',
      'phone_area_code', '11', 'phone_number', '999990000', 'country', 'BR'),
    'metadata', pg_catalog.jsonb_build_object('utm_source', 'trackai-setup'))
  from setup.sessions s where s.id = session
$$;

-- Numbered, content-addressed renders: the same inputs (same hash) give the existing version.
create function setup.record_render(
    company uuid, render_kind text, render_inputs jsonb, render_body text, render_sha256 text, render_author text
) returns table (version int, sha256 text, created boolean)
language plpgsql
set search_path = ''
as $$
declare
  v int;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('setup.renders:' || company || render_kind));
  select r.version into v from setup.renders r
  where r.company_id = company and r.kind = render_kind and r.sha256 = render_sha256;
  if found then
    return query select v, render_sha256, false;
    return;
  end if;
  select coalesce(max(r.version), 0) + 1 into v from setup.renders r
  where r.company_id = company and r.kind = render_kind;
  insert into setup.renders (company_id, kind, version, sha256, inputs, body, author)
  values (company, render_kind, v, render_sha256, render_inputs, render_body, render_author);
  return query select v, render_sha256, true;
end
$$;

revoke execute on all functions in schema setup from public, anon;
grant execute on all functions in schema setup to service_role;
