-- Ad spend from Meta's Insights API. Every hour each company with an ad
-- account and an ads token gets a message on the pgmq queue 'insights' covering its last insights_days
-- days (in its time zone; Meta revises recent days); the worker (jobs/insights.py) reads
-- GET act_<id>/insights (level campaign, one row per day) and writes through revenue.record_spend.
create or replace function revenue.queue_insights() returns int
language plpgsql
set search_path = ''
as $$
declare
  n int := 0;
  s record;
begin
  for s in
    select st.company_id, (app.now() at time zone st.time_zone)::date as today, st.insights_days
    from revenue.settings st
    where st.ad_account_id is not null
      and exists (select 1 from app.secrets x where x.company_id = st.company_id and x.kind = 'meta_ads_token')
  loop
    perform pgmq.send('insights', pg_catalog.jsonb_build_object(
      'company', s.company_id, 'since', s.today - (s.insights_days - 1), 'until', s.today));
    n := n + 1;
  end loop;
  return n;
end
$$;
revoke all on function revenue.queue_insights() from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.queue_insights() to service_role;
