-- Looker Studio: the accuracy report (sales vs Purchase events Meta accepted) (monitoring.accuracy, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.accuracy with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.accuracy);
revoke all on table reporting.accuracy from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.accuracy to looker_reader, service_role;
