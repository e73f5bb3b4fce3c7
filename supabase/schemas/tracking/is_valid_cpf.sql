-- True for a CPF given as 11 digits whose two check digits are right (mod-11 with weights 10..2
-- and 11..2); CPFs of one repeated digit (000.000.000-00 ...) pass the arithmetic but are invalid.
create or replace function tracking.is_valid_cpf(digits text) returns boolean
language sql immutable parallel safe
return case
  when digits ~ '^[0-9]{11}$' and digits !~ '^(.)\1{10}$' then
    (pg_catalog.substr(digits, 1, 1)::int * 10 + pg_catalog.substr(digits, 2, 1)::int * 9
      + pg_catalog.substr(digits, 3, 1)::int * 8 + pg_catalog.substr(digits, 4, 1)::int * 7
      + pg_catalog.substr(digits, 5, 1)::int * 6 + pg_catalog.substr(digits, 6, 1)::int * 5
      + pg_catalog.substr(digits, 7, 1)::int * 4 + pg_catalog.substr(digits, 8, 1)::int * 3
      + pg_catalog.substr(digits, 9, 1)::int * 2
    ) * 10 % 11 % 10 = pg_catalog.substr(digits, 10, 1)::int
    and (pg_catalog.substr(digits, 1, 1)::int * 11 + pg_catalog.substr(digits, 2, 1)::int * 10
      + pg_catalog.substr(digits, 3, 1)::int * 9 + pg_catalog.substr(digits, 4, 1)::int * 8
      + pg_catalog.substr(digits, 5, 1)::int * 7 + pg_catalog.substr(digits, 6, 1)::int * 6
      + pg_catalog.substr(digits, 7, 1)::int * 5 + pg_catalog.substr(digits, 8, 1)::int * 4
      + pg_catalog.substr(digits, 9, 1)::int * 3 + pg_catalog.substr(digits, 10, 1)::int * 2
    ) * 10 % 11 % 10 = pg_catalog.substr(digits, 11, 1)::int
  else false
end;
revoke all on function tracking.is_valid_cpf(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.is_valid_cpf(text) to authenticated, service_role;
