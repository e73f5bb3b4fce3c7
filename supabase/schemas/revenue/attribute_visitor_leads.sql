-- After a visitor gets a hashed e-mail or phone (row trigger on tracking.visitors, only when one
-- changes): the purchases with that e-mail or phone may now have this visitor as their lead (a sale's
-- own em / ph, a direct API or CRM Purchase's user_data; indexed, see migration 20261208030000).
create or replace function revenue.attribute_visitor_leads() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  keys text[] := array(
    select 'sale:' || s.id from tracking.sales s where s.company_id = new.company_id and s.em = new.em
    union
    select 'sale:' || s.id from tracking.sales s where s.company_id = new.company_id and s.ph = new.ph
    union
    select 'event:' || e.id from tracking.events e
    where e.company_id = new.company_id and e.event_name = 'Purchase' and e.source in ('api', 'crm')
      and e.user_data ->> 'em' = new.em
    union
    select 'event:' || e.id from tracking.events e
    where e.company_id = new.company_id and e.event_name = 'Purchase' and e.source in ('api', 'crm')
      and e.user_data ->> 'ph' = new.ph);
begin
  if pg_catalog.cardinality(keys) > 0 then
    perform revenue.attribute(new.company_id, keys);
  end if;
  return null;
end
$$;
revoke all on function revenue.attribute_visitor_leads() from public, anon, authenticated, service_role, looker_reader;
