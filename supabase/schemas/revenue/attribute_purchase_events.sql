-- After events are recorded (statement trigger on tracking.events): attribute the direct API's and the
-- CRM's Purchase events (the purchases revenue.purchases takes from events).
create or replace function revenue.attribute_purchase_events() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  companies uuid[];
  keys text[];
begin
  select pg_catalog.array_agg(e.company_id), pg_catalog.array_agg('event:' || e.id) into companies, keys
  from new_events e
  where e.event_name = 'Purchase' and e.source in ('api', 'crm');
  perform revenue.attribute_by_company(companies, keys);
  return null;
end
$$;
revoke all on function revenue.attribute_purchase_events() from public, anon, authenticated, service_role, looker_reader;
