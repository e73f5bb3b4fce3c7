-- Delivery to Meta, part 2: the error classification function, pausing and resuming a destination,
-- and the circuit breakers (per pixel and Meta-wide) with admin overrides.

-- The rule that decides what a failed request means (delivery.error_rules, meta_capi.md §5).
create function delivery.classify_error(
    failure text, http_status int, code int, subcode int, transient boolean
)
returns table (outcome text, rule_id int, reason text, diagnosis text)
language sql stable
set search_path = ''
as $$
  select r.outcome, r.id, r.reason, r.diagnosis
  from delivery.error_rules r
  where (r.failure is null or r.failure = classify_error.failure)
    and (r.http_min is null or coalesce(classify_error.http_status between r.http_min and r.http_max, false))
    and (r.code_min is null or coalesce(classify_error.code between r.code_min and r.code_max, false))
    and (r.subcode is null or r.subcode = classify_error.subcode)
    and (r.transient is null or r.transient = classify_error.transient)
  order by r.id
  limit 1
$$;

-- JSON of an answer body, or null when it is not JSON (an HTML error page, a cut connection).
create function delivery.try_jsonb(body text) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  return body::jsonb;
exception when others then
  return null;
end
$$;

-- Response headers worth keeping: everything but cookies and anything that smells of a credential.
create function delivery.safe_headers(headers jsonb) returns jsonb
language sql immutable
set search_path = ''
as $$
  select coalesce(pg_catalog.jsonb_object_agg(pg_catalog.lower(k), v), '{}'::jsonb)
  from pg_catalog.jsonb_each(coalesce(headers, '{}'::jsonb)) as h (k, v)
  where k !~* '(cookie|authori[sz]ation|authenticat|token|secret|password|proof|api[-_]?key)'
$$;

-- Pause a destination (its credential or pixel is wrong): its events stay queued, an alert explains.
-- Returns false when it was already paused.
create function delivery.pause_destination(destination bigint, reason text, diagnosis text,
                                           details jsonb default '{}'::jsonb)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
  d delivery.destinations;
begin
  update delivery.destinations
  set status = 'paused', paused_reason = pause_destination.reason, paused_at = app.now()
  where id = destination and status = 'active'
  returning * into d;
  if not found then
    return false;
  end if;
  insert into delivery.alerts (company_id, destination_id, kind, severity, title, diagnosis, details)
  values (d.company_id, d.id, 'destination_paused', 'critical',
          pg_catalog.format('Delivery to pixel %s is paused: %s', d.pixel_id, pause_destination.reason),
          pause_destination.diagnosis, coalesce(details, '{}'::jsonb));
  -- events waiting for a retry are simply held: queued again, sent once the destination resumes
  update tracking.events e
  set status = 'queued', queued_at = app.now(), next_attempt_at = null
  where e.id in (
    select x.id from tracking.events x
    where x.destination_id = destination and x.status = 'retrying'
    for update skip locked
  );
  return true;
end
$$;

-- Resume a paused destination and re-queue everything it held. Called when its token is saved again.
create function delivery.resume_destination(destination bigint) returns int
language plpgsql
set search_path = ''
as $$
declare
  d delivery.destinations;
  held bigint [];
begin
  update delivery.destinations
  set status = 'active', paused_reason = null, paused_at = null
  where id = destination and status = 'paused'
  returning * into d;
  if not found then
    return 0;
  end if;
  with requeued as (
    update tracking.events e
    set status = 'queued', queued_at = app.now(), next_attempt_at = null
    where e.destination_id = destination and e.status in ('queued', 'retrying')
    returning e.id
  )
  select coalesce(pg_catalog.array_agg(id order by id), '{}') into held from requeued;
  if cardinality(held) > 0 then
    perform pgmq.send_batch('dispatch', array(
      select pg_catalog.jsonb_build_object('event', x, 'destination', destination) from unnest(held) x));
  end if;
  update delivery.alerts a set resolved_at = app.now()
  where a.destination_id = destination and a.kind = 'destination_paused' and a.resolved_at is null;
  insert into delivery.alerts (company_id, destination_id, kind, severity, title, diagnosis, details)
  values (d.company_id, d.id, 'destination_resumed', 'info',
          pg_catalog.format('Delivery to pixel %s resumed', d.pixel_id),
          pg_catalog.format('The credential was saved again; %s held event(s) were queued.', cardinality(held)),
          pg_catalog.jsonb_build_object('requeued', cardinality(held)));
  return cardinality(held);
end
$$;

-- A Conversions API token saved again (insert or new ciphertext) resumes the company's paused
-- destinations. `trackai secrets rotate` re-wraps tokens under trackai.secret_rotation = on: no resume.
create function delivery.resume_on_token_saved() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  d bigint;
begin
  if coalesce(pg_catalog.current_setting('trackai.secret_rotation', true), '') = 'on' then
    return null;
  end if;
  for d in select x.id from delivery.destinations x where x.company_id = new.company_id and x.status = 'paused' loop
    perform delivery.resume_destination(d);
  end loop;
  return null;
end
$$;
create trigger resume_destinations_on_token_saved
after insert or update of ciphertext on app.secrets
for each row when (new.kind = 'meta_capi_token')
execute function delivery.resume_on_token_saved();

-- Move a breaker to another state (no-op when it is already there), log it, raise or resolve an alert.
create function delivery.set_breaker(
    breaker bigint, to_state text, why text, rate numeric default null, n int default null
) returns boolean
language plpgsql
set search_path = ''
as $$
declare
  b delivery.breakers;
  old_state text;
  now_ts timestamptz := app.now();
  what text;
begin
  select x.state into old_state from delivery.breakers x where x.id = breaker;
  update delivery.breakers x set
    state = to_state,
    reason = why,
    error_rate = coalesce(rate, x.error_rate),
    window_attempts = coalesce(n, x.window_attempts),
    opened_at = case when to_state = 'open' then now_ts else x.opened_at end,
    half_open_at = case when to_state = 'half_open' then now_ts else x.half_open_at end,
    probe_at = case when to_state = 'half_open' then now_ts end,
    closed_at = case when to_state = 'closed' then now_ts else x.closed_at end,
    changed_at = now_ts
  where x.id = breaker and x.state <> to_state
  returning * into b;
  if not found then
    return false;
  end if;
  insert into delivery.breaker_changes (breaker_id, scope, destination_id, company_id, from_state, to_state, reason,
                                        error_rate, window_attempts)
  values (b.id, b.scope, b.destination_id, b.company_id, old_state, to_state, why, rate, n);
  what := case when b.scope = 'meta' then 'Meta (all pixels)'
               else 'pixel ' || (select d.pixel_id from delivery.destinations d where d.id = b.destination_id) end;
  if to_state = 'open' and old_state = 'closed' then
    insert into delivery.alerts (company_id, destination_id, kind, severity, title, diagnosis, details)
    values (b.company_id, b.destination_id, 'breaker_opened', 'warning',
            pg_catalog.format('Circuit breaker open for %s', what),
            pg_catalog.format('%s. Events are held in the queue, none is failed; a probe goes out after the '
                              'cool-down and delivery resumes when Meta answers again.', why),
            pg_catalog.jsonb_build_object('breaker_id', b.id, 'error_rate', rate, 'attempts', n));
  elsif to_state = 'closed' then
    update delivery.alerts a set resolved_at = now_ts
    where a.kind = 'breaker_opened' and a.resolved_at is null
      and a.destination_id is not distinct from b.destination_id and a.company_id is not distinct from b.company_id;
    insert into delivery.alerts (company_id, destination_id, kind, severity, title, diagnosis, details)
    values (b.company_id, b.destination_id, 'breaker_closed', 'info',
            pg_catalog.format('Circuit breaker closed for %s', what), why,
            pg_catalog.jsonb_build_object('breaker_id', b.id));
  end if;
  return true;
end
$$;

-- The breaker of a destination, created closed on first use.
create function delivery.destination_breaker(destination bigint) returns bigint
language plpgsql
set search_path = ''
as $$
declare
  b bigint;
begin
  select x.id into b from delivery.breakers x where x.destination_id = destination;
  if b is null then
    -- changed_at -infinity: a new breaker counts every attempt of its window, not only later ones
    insert into delivery.breakers (scope, destination_id, company_id, changed_at)
    select 'destination', d.id, d.company_id, '-infinity' from delivery.destinations d where d.id = destination
    on conflict (destination_id) do nothing;
    select x.id into b from delivery.breakers x where x.destination_id = destination;
  end if;
  return b;
end
$$;

-- After each request: a breaker that is closed opens when, since it last changed and within the window,
-- more than breaker_open_rate of at least breaker_min_attempts requests failed transiently; a half-open
-- breaker closes when its probe got through (error rate since half-open below breaker_close_rate) and
-- opens again when the probe failed.
create function delivery.evaluate_breakers(destination bigint, outcome text, probe boolean)
returns void
language plpgsql
set search_path = ''
as $$
declare
  s delivery.settings;
  b delivery.breakers;
  total int;
  failed int;
  now_ts timestamptz := app.now();
begin
  select * into s from delivery.settings;
  for b in
    select * from delivery.breakers x where x.scope = 'meta' or x.destination_id = destination
  loop
    if b.state = 'half_open' and probe then
      select count(*), count(*) filter (where a.outcome = 'retry') into total, failed
      from delivery.attempts a
      where a.attempted_at >= b.half_open_at
        and (b.scope = 'meta' or a.destination_id = destination);
      if outcome = 'retry' or (total > 0 and failed::numeric / total >= s.breaker_close_rate) then
        perform delivery.set_breaker(b.id, 'open', 'the half-open probe failed', 1, 1);
      else
        perform delivery.set_breaker(b.id, 'closed', 'the half-open probe got through',
                                     failed::numeric / greatest(total, 1), total);
      end if;
    end if;
  end loop;
  if outcome <> 'retry' then
    return;
  end if;
  -- only a transient failure can open a closed breaker (the pixel's breaker row is made on first need)
  perform delivery.destination_breaker(destination);
  for b in
    select * from delivery.breakers x
    where (x.scope = 'meta' or x.destination_id = destination) and x.state = 'closed'
  loop
    select count(*), count(*) filter (where a.outcome = 'retry') into total, failed
    from delivery.attempts a
    where a.attempted_at >= greatest(now_ts - s.breaker_window, b.changed_at)
      and (b.scope = 'meta' or a.destination_id = destination);
    if total >= s.breaker_min_attempts and failed::numeric / total > s.breaker_open_rate then
      perform delivery.set_breaker(b.id, 'open',
        pg_catalog.format('%s of the last %s requests to %s failed (over %s%% within %s)', failed, total,
                          case when b.scope = 'meta' then 'Meta' else 'this pixel' end,
                          round(s.breaker_open_rate * 100), s.breaker_window),
        round(failed::numeric / total, 3), total);
    end if;
  end loop;
end
$$;

-- May this destination send now? 'send', 'probe' (the one half-open probe batch; it is claimed here,
-- so no other dispatcher gets it) or 'hold' until hold_until. Overrides win while unexpired.
create function delivery.may_send(destination bigint, out decision text, out hold_until timestamptz)
language plpgsql
set search_path = ''
as $$
declare
  s delivery.settings;
  b record;
  ov delivery.breaker_overrides;
  now_ts timestamptz := app.now();
  probes bigint [] := '{}';
  got bigint;
begin
  select * into s from delivery.settings;
  for b in
    select 'meta' as scope, x.id, x.state, x.opened_at, x.probe_at from delivery.breakers x where x.scope = 'meta'
    union all
    select 'destination', x.id, coalesce(x.state, 'closed'), x.opened_at, x.probe_at
    from (select destination as d) q left join delivery.breakers x on x.destination_id = q.d
  loop
    select * into ov from delivery.breaker_overrides o
    where o.scope = b.scope and o.destination_id is not distinct from (case when b.scope = 'meta' then null else destination end)
      and o.created_at <= now_ts and o.expires_at > now_ts
    order by o.created_at desc, o.id desc limit 1;
    if found then
      if ov.force = 'open' then
        decision := 'hold';
        hold_until := least(ov.expires_at, now_ts + s.breaker_cooldown);
        return;
      end if;
      continue;  -- forced closed: this scope lets everything through
    end if;
    if b.state = 'open' then
      if b.opened_at + s.breaker_cooldown > now_ts then
        decision := 'hold';
        hold_until := b.opened_at + s.breaker_cooldown;
        return;
      end if;
      probes := probes || b.id;
    elsif b.state = 'half_open' then
      if b.probe_at is not null and b.probe_at + s.probe_timeout > now_ts then
        -- the probe's answer is due within the HTTP timeout: look again soon, not after probe_timeout
        decision := 'hold';
        hold_until := least(b.probe_at + s.probe_timeout, now_ts + interval '2 seconds');
        return;
      end if;
      probes := probes || b.id;
    end if;
  end loop;
  decision := 'send';
  foreach got in array probes loop
    -- claim the probe: only one dispatcher wins the conditional update
    if exists (select 1 from delivery.breakers x where x.id = got and x.state = 'open') then
      if not delivery.set_breaker(got, 'half_open', 'cool-down over: one probe batch goes out') then
        decision := 'hold';
      end if;
    else
      update delivery.breakers x set probe_at = now_ts
      where x.id = got and x.state = 'half_open'
        and (x.probe_at is null or x.probe_at + s.probe_timeout <= now_ts);
      if not found then
        decision := 'hold';
      end if;
    end if;
    if decision = 'hold' then
      hold_until := now_ts + interval '2 seconds';
      return;
    end if;
    decision := 'probe';
  end loop;
end
$$;

-- An admin forces a breaker open or closed for a while (scope: 'meta' or a destination id).
create function delivery.override_breaker(
    destination bigint, force text, reason text, expires_at timestamptz, created_by text
) returns bigint
language sql
set search_path = ''
as $$
  insert into delivery.breaker_overrides (scope, destination_id, company_id, force, reason, created_by, expires_at)
  select case when destination is null then 'meta' else 'destination' end, destination,
         (select d.company_id from delivery.destinations d where d.id = destination),
         force, reason, created_by, expires_at
  returning id
$$;

revoke execute on all functions in schema delivery from public, anon;
grant execute on function
delivery.classify_error(text, int, int, int, boolean),
delivery.pause_destination(bigint, text, text, jsonb),
delivery.resume_destination(bigint),
delivery.may_send(bigint),
delivery.override_breaker(bigint, text, text, timestamptz, text)
to service_role;
