-- Fold the committed deltas into the rollup. Concurrent folds are safe: each delta row is deleted
-- (and so counted) by exactly one of them; deltas of transactions still in flight wait for the next.
create or replace function monitoring.fold_counts() returns int
language plpgsql
set search_path = ''
as $$
declare
  n int;
begin
  with moved as (
    delete from monitoring.count_deltas returning *
  ),
  summed as (
    select m.day, m.company_id, m.metric, m.source, m.event_name, m.status, m.reason, m.code, m.bucket,
           sum(m.n) as n, sum(m.units) as units, sum(m.received) as received, sum(m.amount) as amount,
           count(*) as deltas
    from moved m
    group by m.day, m.company_id, m.metric, m.source, m.event_name, m.status, m.reason, m.code, m.bucket
  ),
  folded as (
    insert into monitoring.daily_counts as c (day, company_id, metric, source, event_name, status, reason, code,
                                              bucket, n, units, received, amount)
    select s.day, s.company_id, s.metric, s.source, s.event_name, s.status, s.reason, s.code, s.bucket,
           s.n, s.units, s.received, s.amount
    from summed s
    where exists (select 1 from app.companies co where co.id = s.company_id)
    on conflict (day, company_id, metric, source, event_name, status, reason, code, bucket) do update set
      n = c.n + excluded.n,
      units = c.units + excluded.units,
      received = c.received + excluded.received,
      amount = c.amount + excluded.amount
    returning 1
  )
  -- (a data-modifying CTE runs to completion whether or not it is read)
  select coalesce(sum(s.deltas), 0)::int into n from summed s;
  -- rows that netted out to nothing (every event of that key moved on) are dropped
  delete from monitoring.daily_counts c
  where c.metric = 'event' and c.n = 0;
  return n;
end
$$;
revoke all on function monitoring.fold_counts() from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.fold_counts() to service_role;
