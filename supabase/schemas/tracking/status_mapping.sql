-- The mapping row for a gateway status: the company's own, else the default.
create or replace function tracking.status_mapping(company uuid, gateway text, gateway_status text)
returns tracking.status_mappings
language plpgsql stable
set search_path = ''
as $$
declare
  found_row tracking.status_mappings;
begin
  select m.* into found_row from tracking.status_mappings m
  where m.gateway = status_mapping.gateway and m.gateway_status = status_mapping.gateway_status
    and (m.company_id = company or m.company_id is null)
  order by m.company_id nulls last
  limit 1;
  return found_row;
end
$$;
revoke all on function tracking.status_mapping(uuid,text,text) from public, anon, authenticated, service_role, looker_reader;
