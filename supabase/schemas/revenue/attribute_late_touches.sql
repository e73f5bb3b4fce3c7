-- After touchpoints are recorded (statement trigger on tracking.touchpoints): a touch that arrives after
-- a purchase of its visitor it precedes (a late or replayed browser event) re-attributes that purchase.
-- One index probe per new touchpoint (revenue.attributions by lead and purchase time); usually none.
create or replace function revenue.attribute_late_touches() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  companies uuid[];
  keys text[];
begin
  select pg_catalog.array_agg(a.company_id), pg_catalog.array_agg(a.purchase_key) into companies, keys
  from new_touchpoints t
  join revenue.attributions a on a.company_id = t.company_id and a.lead_visitor_id = t.visitor_id
    and a.purchased_at >= t.occurred_at;
  perform revenue.attribute_by_company(companies, keys);
  return null;
end
$$;
revoke all on function revenue.attribute_late_touches() from public, anon, authenticated, service_role, looker_reader;
