-- Move a breaker to another state (no-op when it is already there), log it, raise or resolve an alert.
create or replace function delivery.set_breaker(
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
revoke all on function delivery.set_breaker(bigint,text,text,numeric,integer) from public, anon, authenticated, service_role, looker_reader;
