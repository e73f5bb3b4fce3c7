-- Looker Studio: every circuit breaker and its state (monitoring.breaker_states, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.breaker_states with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.breaker_states);
revoke all on table reporting.breaker_states from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.breaker_states to looker_reader, service_role;
