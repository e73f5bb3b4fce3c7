-- After a visitor gets a hashed e-mail or phone (row trigger on tracking.visitors, only when one
-- changes): the purchases with that e-mail or phone may now have this visitor as their lead.
create or replace function revenue.attribute_visitor_leads() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  keys text[] := array(
    select p.purchase_key from revenue.purchases p
    where p.company_id = new.company_id and (p.em = new.em or p.ph = new.ph));
begin
  if pg_catalog.cardinality(keys) > 0 then
    perform revenue.attribute(new.company_id, keys);
  end if;
  return null;
end
$$;
revoke all on function revenue.attribute_visitor_leads() from public, anon, authenticated, service_role, looker_reader;
