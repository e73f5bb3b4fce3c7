-- After touchpoints are recorded (statement trigger on tracking.touchpoints): a touch that arrives after
-- a purchase of its visitor it precedes (a late or replayed browser event) re-attributes that purchase.
-- One index probe per new touchpoint (revenue.attributions by lead and purchase time); usually none.
create or replace function revenue.attribute_late_touches() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  c record;
begin
  for c in
    select a.company_id, pg_catalog.array_agg(distinct a.purchase_key) as keys
    from new_touchpoints t
    join revenue.attributions a on a.company_id = t.company_id and a.lead_visitor_id = t.visitor_id
      and a.purchased_at >= t.occurred_at
    group by a.company_id order by a.company_id
  loop
    perform revenue.attribute(c.company_id, c.keys);
  end loop;
  return null;
end
$$;
revoke all on function revenue.attribute_late_touches() from public, anon, authenticated, service_role, looker_reader;
