-- After each request: a breaker that is closed opens when, since it last changed and within the window,
-- more than breaker_open_rate of at least breaker_min_attempts requests failed transiently; a half-open
-- breaker closes when its probe got through (error rate since half-open below breaker_close_rate) and
-- opens again when the probe failed.
create or replace function delivery.evaluate_breakers(destination bigint, outcome text, probe boolean)
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
revoke all on function delivery.evaluate_breakers(bigint,text,boolean) from public, anon, authenticated, service_role, looker_reader;
