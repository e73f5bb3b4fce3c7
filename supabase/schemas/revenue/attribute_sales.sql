-- After sales are recorded (statement trigger on tracking.sales): attribute the new ones, and the
-- changed ones whose purchase time or lead changed (a refund or chargeback changes only the net amount,
-- which the reports read at once: attributions hold weights). Same transaction: the reports never see a
-- sale without its attribution rows.
create or replace function revenue.attribute_sales() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  companies uuid[];
  keys text[];
begin
  if tg_op = 'INSERT' then
    select pg_catalog.array_agg(n.company_id), pg_catalog.array_agg('sale:' || n.id) into companies, keys
    from new_sales n;
  else
    select pg_catalog.array_agg(n.company_id), pg_catalog.array_agg('sale:' || n.id) into companies, keys
    from new_sales n
    join old_sales o on o.id = n.id
    where (o.approved_at, o.first_seen_at, o.sale_effect, o.amount, o.visitor_id, o.em, o.ph, o.purchase_event_pk)
      is distinct from (n.approved_at, n.first_seen_at, n.sale_effect, n.amount, n.visitor_id, n.em, n.ph,
                        n.purchase_event_pk);
  end if;
  perform revenue.attribute_by_company(companies, keys);
  return null;
end
$$;
revoke all on function revenue.attribute_sales() from public, anon, authenticated, service_role, looker_reader;
