-- Meta latency histogram bucket: the upper bound (ms) of the bucket the value falls in, on a ~25 %
-- scale (2,000 ms, the alert threshold, is a bound). Percentiles read from it are upper bounds.
create or replace function monitoring.latency_bucket(ms int) returns int
language sql immutable parallel safe
as $$
  select case
    when ms is null then null
    when ms > 60000 then (ms + 59999) / 60000 * 60000
    else (select min(b.b) from pg_catalog.unnest(array[
      50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 7500,
      10000, 15000, 20000, 30000, 60000]) as b (b) where b.b >= ms)
  end
$$;
revoke all on function monitoring.latency_bucket(integer) from public, anon, authenticated, service_role, looker_reader;
