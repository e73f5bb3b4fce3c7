-- What became of a claimed notification: 'sent', 'skipped' (channel not configured), 'failed' (will
-- never go: the channel refused it for good) or 'retry' (after retry_after_s, else backoff 2 s, 4 s,
-- 8 s, ... capped at 1 h; failed after 10 tries). Returns the delay before the next try, or null.
create or replace function monitoring.finish_notification(
    notification bigint, outcome text, error text default null, retry_after_s numeric default null
) returns numeric
language plpgsql
set search_path = ''
as $$
declare
  n monitoring.notifications;
  delay numeric;
begin
  if outcome not in ('sent', 'skipped', 'failed', 'retry') then
    raise exception 'unknown outcome %', outcome using errcode = '22023';
  end if;
  select * into n from monitoring.notifications x where x.id = notification and x.status = 'pending' for update;
  if not found then
    return null;
  end if;
  if outcome = 'retry' and n.attempts + 1 >= 10 then
    outcome := 'failed';
  end if;
  if outcome = 'retry' then
    delay := least(3600, coalesce(retry_after_s, 2 * power(2, n.attempts)));
    update monitoring.notifications x set attempts = x.attempts + 1, last_error = left(error, 500),
      next_attempt_at = pg_catalog.now() + pg_catalog.make_interval(secs => delay::float8)
    where x.id = notification;
    return delay;
  end if;
  update monitoring.notifications x set
    status = outcome, attempts = x.attempts + case when outcome = 'skipped' then 0 else 1 end,
    last_error = left(error, 500),
    sent_at = case when outcome = 'sent' then pg_catalog.now() end, finished_at = pg_catalog.now()
  where x.id = notification;
  return null;
end
$$;
revoke all on function monitoring.finish_notification(bigint,text,text,numeric) from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.finish_notification(bigint,text,text,numeric) to service_role;
