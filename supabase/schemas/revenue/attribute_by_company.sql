-- revenue.attribute for pairs (company_ids[i], keys[i]), one call per company in company order (so two
-- transactions lock in the same order): what the triggers on tracking tables pass.
create or replace function revenue.attribute_by_company(company_ids uuid[], keys text[]) returns void
language plpgsql
set search_path = ''
as $$
declare
  c record;
begin
  for c in
    select x.company_id, pg_catalog.array_agg(distinct x.k) as keys
    from rows from (pg_catalog.unnest(company_ids), pg_catalog.unnest(keys)) as x (company_id, k)
    where x.company_id is not null
    group by x.company_id
    order by x.company_id
  loop
    perform revenue.attribute(c.company_id, c.keys);
  end loop;
end
$$;
revoke all on function revenue.attribute_by_company(uuid[],text[]) from public, anon, authenticated, service_role, looker_reader;
