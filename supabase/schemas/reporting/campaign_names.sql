-- Looker Studio: each campaign's name, one rule for every report (monitoring.campaign_names, an invoker view),
-- for the Looker logins: reporting.rows_of reads it with its owner's rights and keeps the companies the login may read.
create or replace view reporting.campaign_names with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.campaign_names);
revoke all on table reporting.campaign_names from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.campaign_names to looker_reader, service_role;
