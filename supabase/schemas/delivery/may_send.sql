-- May this destination send now? 'send', 'probe' (the one half-open probe batch; it is claimed here,
-- so no other dispatcher gets it) or 'hold' until hold_until. Overrides win while unexpired.
create or replace function delivery.may_send(destination bigint, out decision text, out hold_until timestamptz)
language plpgsql
set search_path = ''
as $$
declare
  s delivery.settings;
  b record;
  ov delivery.breaker_overrides;
  now_ts timestamptz := app.now();
  probes bigint [] := '{}'::bigint [];
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
revoke all on function delivery.may_send(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.may_send(bigint) to service_role;
