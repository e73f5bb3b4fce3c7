-- The mapping row for a gateway status: the company's own, else the default; no row when neither
-- knows it. A set-returning SQL function without settings, so that the planner inlines it into the
-- batch statements that join it (one index probe per sale, no function call).
create or replace function tracking.status_mapping_of(company uuid, gateway text, gateway_status text)
returns setof tracking.status_mappings
language sql stable
as $$
  select m.* from tracking.status_mappings as m
  where m.gateway = status_mapping_of.gateway and m.gateway_status = status_mapping_of.gateway_status
    and (m.company_id = status_mapping_of.company or m.company_id is null)
  order by m.company_id nulls last
  limit 1
$$;
revoke all on function tracking.status_mapping_of(uuid,text,text) from public, anon, authenticated, service_role, looker_reader;
