-- True for a CNPJ given as its 14 bare characters whose two check digits are right: 12 characters
-- 0-9 or A-Z (the alphanumeric CNPJ the Receita Federal issues from July 2026, IN RFB 2.229/2024; a
-- numeric CNPJ is the special case of digits only), then 2 digits. Each character counts as its ASCII
-- code minus 48 (0-9 -> 0-9, A -> 17 ... Z -> 42); check digit = 11 - sum mod 11 (0 when that is 10 or
-- 11) with weights 5,4,3,2,9,8,7,6,5,4,3,2 and then 6,5,4,3,2,9,8,7,6,5,4,3,2. One repeated character
-- (00.000.000/0000-00 ...) is invalid even where the arithmetic passes.
create or replace function tracking.is_valid_cnpj(chars text) returns boolean
language sql immutable parallel safe
return case
  when chars ~ '^[0-9A-Z]{12}[0-9]{2}$' and chars !~ '^(.)\1{13}$' then
    ((pg_catalog.ascii(pg_catalog.substr(chars, 1, 1)) - 48) * 5
      + (pg_catalog.ascii(pg_catalog.substr(chars, 2, 1)) - 48) * 4
      + (pg_catalog.ascii(pg_catalog.substr(chars, 3, 1)) - 48) * 3
      + (pg_catalog.ascii(pg_catalog.substr(chars, 4, 1)) - 48) * 2
      + (pg_catalog.ascii(pg_catalog.substr(chars, 5, 1)) - 48) * 9
      + (pg_catalog.ascii(pg_catalog.substr(chars, 6, 1)) - 48) * 8
      + (pg_catalog.ascii(pg_catalog.substr(chars, 7, 1)) - 48) * 7
      + (pg_catalog.ascii(pg_catalog.substr(chars, 8, 1)) - 48) * 6
      + (pg_catalog.ascii(pg_catalog.substr(chars, 9, 1)) - 48) * 5
      + (pg_catalog.ascii(pg_catalog.substr(chars, 10, 1)) - 48) * 4
      + (pg_catalog.ascii(pg_catalog.substr(chars, 11, 1)) - 48) * 3
      + (pg_catalog.ascii(pg_catalog.substr(chars, 12, 1)) - 48) * 2
    ) * 10 % 11 % 10 = pg_catalog.ascii(pg_catalog.substr(chars, 13, 1)) - 48
    and ((pg_catalog.ascii(pg_catalog.substr(chars, 1, 1)) - 48) * 6
      + (pg_catalog.ascii(pg_catalog.substr(chars, 2, 1)) - 48) * 5
      + (pg_catalog.ascii(pg_catalog.substr(chars, 3, 1)) - 48) * 4
      + (pg_catalog.ascii(pg_catalog.substr(chars, 4, 1)) - 48) * 3
      + (pg_catalog.ascii(pg_catalog.substr(chars, 5, 1)) - 48) * 2
      + (pg_catalog.ascii(pg_catalog.substr(chars, 6, 1)) - 48) * 9
      + (pg_catalog.ascii(pg_catalog.substr(chars, 7, 1)) - 48) * 8
      + (pg_catalog.ascii(pg_catalog.substr(chars, 8, 1)) - 48) * 7
      + (pg_catalog.ascii(pg_catalog.substr(chars, 9, 1)) - 48) * 6
      + (pg_catalog.ascii(pg_catalog.substr(chars, 10, 1)) - 48) * 5
      + (pg_catalog.ascii(pg_catalog.substr(chars, 11, 1)) - 48) * 4
      + (pg_catalog.ascii(pg_catalog.substr(chars, 12, 1)) - 48) * 3
      + (pg_catalog.ascii(pg_catalog.substr(chars, 13, 1)) - 48) * 2
    ) * 10 % 11 % 10 = pg_catalog.ascii(pg_catalog.substr(chars, 14, 1)) - 48
  else false
end;
revoke all on function tracking.is_valid_cnpj(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.is_valid_cnpj(text) to authenticated, service_role;
