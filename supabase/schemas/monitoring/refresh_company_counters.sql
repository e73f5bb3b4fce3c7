-- Refresh the dashboard counters (today, BRT); rows change only when a figure did, so Realtime
-- subscribers get a message per real change, not one per minute.
create or replace function monitoring.refresh_company_counters() returns int
language plpgsql
set search_path = ''
as $$
declare
  today date := monitoring.day_of(app.now());
  since timestamptz := pg_catalog.timezone('America/Sao_Paulo', today::timestamp);
  n int;
begin
  with figures as (
    select co.id as company_id,
           coalesce(ev.received, 0) as received, coalesce(ev.queued, 0) as queued,
           coalesce(ev.sent, 0) as sent, coalesce(ev.retrying, 0) as retrying, coalesce(ev.dead, 0) as dead,
           coalesce(ev.skipped, 0) as skipped, coalesce(du.n, 0) as duplicates, coalesce(al.n, 0) as open_alerts
    from app.companies co
    left join (
      select c.company_id, sum(c.n) as received,
             sum(c.n) filter (where c.status = 'queued') as queued,
             sum(c.n) filter (where c.status = 'sent') as sent,
             sum(c.n) filter (where c.status = 'retrying') as retrying,
             sum(c.n) filter (where c.status = 'dead') as dead,
             sum(c.n) filter (where c.status = 'skipped') as skipped
      from monitoring.all_counts c
      where c.metric = 'event' and c.day = today
      group by c.company_id
    ) ev on ev.company_id = co.id
    left join (
      select d.company_id, count(*) as n from monitoring.duplicates d where d.seen_at >= since group by d.company_id
    ) du on du.company_id = co.id
    left join (
      select a.company_id, count(*)::int as n from monitoring.alerts a
      where a.status = 'firing' and a.company_id is not null group by a.company_id
    ) al on al.company_id = co.id
  ),
  changed as (
    insert into monitoring.company_counters as cc (company_id, day, received, queued, sent, retrying, dead, skipped,
                                                   duplicates, open_alerts, updated_at)
    select f.company_id, today, f.received, f.queued, f.sent, f.retrying, f.dead, f.skipped, f.duplicates,
           f.open_alerts, app.now()
    from figures f
    on conflict (company_id) do update set
      day = excluded.day, received = excluded.received, queued = excluded.queued, sent = excluded.sent,
      retrying = excluded.retrying, dead = excluded.dead, skipped = excluded.skipped,
      duplicates = excluded.duplicates, open_alerts = excluded.open_alerts, updated_at = excluded.updated_at
    where (cc.day, cc.received, cc.queued, cc.sent, cc.retrying, cc.dead, cc.skipped, cc.duplicates, cc.open_alerts)
          is distinct from (excluded.day, excluded.received, excluded.queued, excluded.sent, excluded.retrying,
                            excluded.dead, excluded.skipped, excluded.duplicates, excluded.open_alerts)
    returning 1
  )
  select count(*) into n from changed;
  return n;
end
$$;
revoke all on function monitoring.refresh_company_counters() from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.refresh_company_counters() to service_role;
