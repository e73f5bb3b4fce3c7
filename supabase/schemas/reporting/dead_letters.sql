-- Looker Studio: open dead letters per company and reason (monitoring.dead_letters, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.dead_letters with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.dead_letters);
revoke all on table reporting.dead_letters from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.dead_letters to looker_reader, service_role;
