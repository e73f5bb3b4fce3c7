-- A stored gateway request as the common sale shape, by its gateway's adapter (one function each);
-- raises for a source that has none.
create or replace function tracking.sale_of(i tracking.inbound, payment jsonb default null) returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
begin
  case i.source
    when 'perfectpay' then return tracking.perfectpay_sale(i);
    when 'mercadopago' then return tracking.mercadopago_sale(i, payment);
    else raise exception 'source % has no processor', i.source;
  end case;
end
$$;
revoke all on function tracking.sale_of(tracking.inbound, jsonb) from public, anon, authenticated, service_role, looker_reader;
