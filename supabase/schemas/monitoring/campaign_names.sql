-- Looker Studio: each campaign's name, one rule for every report: the latest named spend row from Meta's
-- Insights API, else the latest named spend row of a CSV upload (reports fall back to the UTM campaign of
-- the campaign's touches when no spend row names it: monitoring.revenue_attribution_daily). Attribution
-- resolves a UTM naming a campaign to its id through these names.
create or replace view monitoring.campaign_names with (security_barrier = true, security_invoker = true) as
select distinct on (s.company_id, s.campaign_id)
    s.company_id,
    s.campaign_id,
    s.campaign_name
from revenue.spend as s
where
    s.campaign_name is not null
    and (
        (select monitoring.sees_all(current_user))
        or s.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(s.company_id)
    )
order by s.company_id, s.campaign_id, s.source = 'insights' desc, s.day desc;
comment on view monitoring.campaign_names is 'Each campaign''s name: Insights first, then CSV uploads, latest day.';
revoke all on table monitoring.campaign_names from public, anon, authenticated, service_role, looker_reader;
grant select on table monitoring.campaign_names to authenticated, service_role;
