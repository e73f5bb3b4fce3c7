-- Looker Studio: Meta's answer time per BRT day, p50 / p95 / p99 (monitoring.meta_latency, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.meta_latency with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.meta_latency);
revoke all on table reporting.meta_latency from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.meta_latency to looker_reader, service_role;
