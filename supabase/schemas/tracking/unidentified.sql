-- Whether a gateway's adapter found no order to record: its problem is missing_fields. (A field that
-- will certainly fail, invalid_field, still makes an event, which the gate judges.)
create or replace function tracking.unidentified(sale tracking.sale_input) returns boolean
language sql immutable
return coalesce(sale.problem ->> 'code' = 'missing_fields', false);
revoke all on function tracking.unidentified(tracking.sale_input) from public, anon, authenticated, service_role, looker_reader;
