-- The lowercase hex of a value that already is a SHA-256 (64 hex digits once trimmed), for any of
-- the hashed user_data fields; NULL otherwise. Such a value is passed through, never re-hashed.
create or replace function tracking.user_field_prehashed(field text, value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.octet_length(value) <= 4096
    and field in ('em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id')
    and pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff') ~ '^[0-9A-Fa-f]{64}$'
    then pg_catalog.lower(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'))
end;
revoke all on function tracking.user_field_prehashed(text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.user_field_prehashed(text,text) to authenticated, service_role;
