-- Rebuild a company's attribution from scratch (every purchase): the repair command
-- (`trackai revenue rebuild --company`) and a lookback change. Nothing schedules it: the triggers keep
-- attribution current (revenue.attribute).
create or replace function revenue.refresh_attribution(company uuid) returns int
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(company::text, 0));
  delete from revenue.attributions a where a.company_id = company;
  return revenue.attribute(company, array(select p.purchase_key from revenue.purchases p where p.company_id = company));
end
$$;
revoke all on function revenue.refresh_attribution(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.refresh_attribution(uuid) to service_role;
