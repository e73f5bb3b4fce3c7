-- Revenue (issue 8, part 4): ad spend from Meta's Insights API. Every hour each company with an ad
-- account and an ads token gets a message on the pgmq queue 'insights' covering its last insights_days
-- days (in its time zone; Meta revises recent days); the worker (jobs/insights.py) reads
-- GET act_<id>/insights (level campaign, one row per day) and writes through revenue.record_spend.

create function revenue.queue_insights() returns int
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
select app.schedule('trackai-revenue-insights', '41 * * * *', 'select revenue.queue_insights()');

-- What the worker needs for one company: its ad account and encrypted ads token.
create function revenue.insights_job(company uuid)
returns table (ad_account_id text, key_id text, ciphertext bytea)
language sql stable
set search_path = ''
as $$
  select s.ad_account_id, x.key_id, x.ciphertext
  from revenue.settings s
  left join app.secrets x on x.company_id = s.company_id and x.kind = 'meta_ads_token'
  where s.company_id = company
$$;

-- POST /api/v1/spend/csv, called as the signed-in user: a marketing or backoffice admin of the company
-- (which may be left out by someone who administers only one). Returns the company and rows written.
create function revenue.upload_spend(company uuid, spend_rows jsonb)
returns table (company_id uuid, written int)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := revenue.admin_company(company, 'upload its spend');
begin
  return query select target, revenue.record_spend(target, 'csv', spend_rows);
end
$$;

do $$
begin
  if not exists (select 1 from pgmq.list_queues() where queue_name = 'insights') then
    perform pgmq.create('insights');
  end if;
  perform app.wake_workers_on_insert('insights');
end
$$;

revoke execute on all functions in schema revenue from public, anon;
grant execute on function revenue.queue_insights(), revenue.insights_job(uuid) to service_role;
grant execute on function revenue.upload_spend(uuid, jsonb) to authenticated, service_role;
