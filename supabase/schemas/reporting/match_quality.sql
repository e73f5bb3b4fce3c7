-- Looker Studio: estimated match quality per company and BRT day (monitoring.match_quality, an invoker view), for the Looker logins:
-- reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.match_quality with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.match_quality);
revoke all on table reporting.match_quality from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.match_quality to looker_reader, service_role;
