-- Looker Studio: revenue, spend and ROAS per campaign, day and attribution model
-- (monitoring.revenue_attribution_daily, an invoker view), for the Looker logins: reporting.rows_of reads it
-- with its owner's rights and keeps the companies the login may read.
create or replace view reporting.revenue_attribution_daily with (security_barrier = true) as
select * from reporting.rows_of(null::monitoring.revenue_attribution_daily);
revoke all on table reporting.revenue_attribution_daily from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.revenue_attribution_daily to looker_reader, service_role;
