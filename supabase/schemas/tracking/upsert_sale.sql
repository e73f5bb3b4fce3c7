-- One sale's status change, as a batch of one (tracking.upsert_sales has the rule); for WhatsApp sales.
create or replace function tracking.upsert_sale(
    company uuid, gateway text, provider_ref text, gateway_status text, effect text, amount numeric,
    currency text, product_ref text, product_name text, visitor text, user_data jsonb, at timestamptz,
    purchase_event bigint
) returns bigint
language plpgsql
set search_path = ''
as $$
begin
  perform tracking.upsert_sales(array[row(
    company, gateway, provider_ref, gateway_status, effect, amount, currency, product_ref, product_name, visitor,
    user_data ->> 'em', user_data ->> 'ph', at, purchase_event)::tracking.sale_state]);
  return (select s.id from tracking.sales as s
          where s.company_id = company and s.gateway = upsert_sale.gateway and s.provider_ref = upsert_sale.provider_ref);
end
$$;
revoke all on function tracking.upsert_sale(uuid,text,text,text,text,numeric,text,text,text,text,jsonb,timestamp with time zone,bigint) from public, anon, authenticated, service_role, looker_reader;
