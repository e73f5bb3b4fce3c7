-- The one writer of spend (Insights worker and CSV upload). rows: [{day, campaign_id, campaign_name,
-- adset_id, ad_id, spend, currency}], upserted; a bad row raises 22023 naming it (row numbers from 1),
-- and nothing is stored. Re-attributes only the purchases whose touches these rows resolve. Returns how
-- many rows were written.
create or replace function revenue.record_spend(company uuid, spend_source text, spend_rows jsonb) returns int
language plpgsql
set search_path = ''
as $$
declare
  r jsonb;
  i int := 0;
  problem text;
begin
  if pg_catalog.jsonb_typeof(spend_rows) <> 'array' then
    raise exception 'spend rows must be a JSON array' using errcode = '22023';
  end if;
  for r in select x from pg_catalog.jsonb_array_elements(spend_rows) x loop
    i := i + 1;
    problem := case
      when coalesce(r ->> 'day', '') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then 'day must be a date (YYYY-MM-DD)'
      when coalesce(btrim(r ->> 'campaign_id'), '') = '' then 'campaign_id is required'
      when length(r ->> 'campaign_id') > 200 then 'campaign_id is longer than 200 characters'
      when coalesce(r ->> 'spend', '') !~ '^[0-9]+(\.[0-9]{1,2})?$' then
        'spend must be a non-negative amount with at most 2 decimals, e.g. 123.45'
      when coalesce(r ->> 'currency', 'BRL') !~ '^[A-Za-z]{3}$' then 'currency must be an ISO 4217 code such as BRL'
    end;
    if problem is null then
      begin
        perform (r ->> 'day')::date;
      exception when others then
        problem := 'day ' || (r ->> 'day') || ' is not a calendar date';
      end;
    end if;
    if problem is not null then
      raise exception 'row %: %', i, problem using errcode = '22023';
    end if;
    insert into revenue.spend as s (company_id, day, campaign_id, adset_id, ad_id, campaign_name, spend, currency,
                                    source)
    values (company, (r ->> 'day')::date, btrim(r ->> 'campaign_id'), coalesce(btrim(r ->> 'adset_id'), ''),
            coalesce(btrim(r ->> 'ad_id'), ''), nullif(btrim(r ->> 'campaign_name'), ''), (r ->> 'spend')::numeric,
            pg_catalog.upper(coalesce(r ->> 'currency', 'BRL')), spend_source)
    on conflict (company_id, day, campaign_id, adset_id, ad_id) do update set
      spend = excluded.spend, currency = excluded.currency, source = excluded.source,
      campaign_name = coalesce(excluded.campaign_name, s.campaign_name), updated_at = app.now();
  end loop;
  -- touches that named one of these campaigns, or showed one of these ads, now resolve to its id
  perform revenue.attribute(company, array(
    select distinct a.purchase_key from revenue.attributions a
    where a.company_id = company and exists (
      select 1 from pg_catalog.jsonb_array_elements(spend_rows) x
      where (a.campaign = btrim(x ->> 'campaign_name') and a.campaign <> btrim(x ->> 'campaign_id'))
         or (a.ad = btrim(x ->> 'ad_id') and a.campaign is distinct from btrim(x ->> 'campaign_id')))));
  return i;
end
$$;
revoke all on function revenue.record_spend(uuid,text,jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.record_spend(uuid,text,jsonb) to service_role;
