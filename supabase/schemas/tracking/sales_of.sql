-- Stored gateway requests as the common sale shape, each by its gateway's adapter (tracking.gateways):
-- one statement per gateway in the batch, so that adding a gateway is a row and a function, never a
-- change here. Raises for a source that has no adapter.
create or replace function tracking.sales_of(requests tracking.inbound []) returns setof tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  g record;
begin
  for g in
    select r.source, gw.adapter
    from (select distinct x.source from pg_catalog.unnest(requests) as x) as r
    left join tracking.gateways as gw on gw.gateway = r.source
  loop
    if g.adapter is null then
      raise exception 'source % has no adapter in tracking.gateways', g.source using errcode = '22023';
    end if;
    return query execute pg_catalog.format(
      'select s.* from pg_catalog.unnest($1) as r cross join lateral %s(r) as s where r.source = $2 order by r.id',
      g.adapter)
      using requests, g.source;
  end loop;
end
$$;
comment on function tracking.sales_of(tracking.inbound []) is
'Stored gateway requests as tracking.sale_input rows, each through its gateway''s adapter.';
revoke all on function tracking.sales_of(tracking.inbound []) from public, anon, authenticated, service_role, looker_reader;
