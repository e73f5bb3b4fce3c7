-- The value Meta expects for a hashed user_data field: lowercase hex SHA-256 of the UTF-8 bytes of
-- tracking.normalize_user_field(field, value); NULL when that is NULL; an already hashed value
-- (64 hex digits) is passed through lowercased, never hashed twice. Never raises.
-- The UTF-8 bytes come from decode(<text with \ doubled>, 'escape'), which in a UTF-8 database (checked
-- at the top of this file) are exactly the bytes of convert_to(v, 'UTF8'): convert_to is only STABLE,
-- and a stable call inside this immutable function would stop the planner from inlining it, which
-- measured 50x slower for tracking.build_user_data (every call re-planned: ~11 ms instead of ~0.2 ms).
create or replace function tracking.hash_user_field(field text, value text) returns text
language sql immutable parallel safe
return coalesce(
  tracking.user_field_prehashed(field, value),
  pg_catalog.encode(pg_catalog.sha256(pg_catalog.decode(
    pg_catalog.replace(tracking.normalize_user_field(field, value), '\', '\\'), 'escape')), 'hex'));
comment on function tracking.hash_user_field(text,text) is 'SHA-256 hex of tracking.normalize_user_field; NULL when that is NULL; pre-hashed values pass through.';
revoke all on function tracking.hash_user_field(text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.hash_user_field(text,text) to authenticated, service_role;
