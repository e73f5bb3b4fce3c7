-- A buyer's CPF or CNPJ as a gateway sends it (Perfect Pay's customer.identification_number, Mercado
-- Pago's payer.identification.number), for external_id: its bare 11 digits (CPF) or 14 characters
-- (CNPJ, numeric or alphanumeric, uppercase) when the check digits are right; else NULL, so a typo or a
-- placeholder (000.000.000-00, 11111111111) is sent in no field. Spaces and . / - are ignored.
create or replace function tracking.tax_id_if_valid(value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.octet_length(value) <= 64 and (
    tracking.is_valid_cpf(pg_catalog.regexp_replace(value, '[[:space:]./-]', '', 'g'))
    or tracking.is_valid_cnpj(pg_catalog.upper(pg_catalog.regexp_replace(value, '[[:space:]./-]', '', 'g'))))
    then pg_catalog.upper(pg_catalog.regexp_replace(value, '[[:space:]./-]', '', 'g'))
end;
revoke all on function tracking.tax_id_if_valid(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.tax_id_if_valid(text) to authenticated, service_role;
