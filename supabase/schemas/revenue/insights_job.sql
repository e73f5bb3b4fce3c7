-- What the worker needs for one company: its ad account and encrypted ads token.
create or replace function revenue.insights_job(company uuid)
returns table (ad_account_id text, key_id text, ciphertext bytea)
language sql stable
set search_path = ''
as $$
  select s.ad_account_id, x.key_id, x.ciphertext
  from revenue.settings s
  left join app.secrets x on x.company_id = s.company_id and x.kind = 'meta_ads_token'
  where s.company_id = company
$$;
revoke all on function revenue.insights_job(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.insights_job(uuid) to service_role;
