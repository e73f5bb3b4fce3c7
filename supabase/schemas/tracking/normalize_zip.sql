-- zp: lowercase, only a-z and 0-9 kept (Meta: "no spaces and no dash"; UK "M1 1AE" -> m11ae).
-- Only US ZIP+4 is cut to its first 5 digits ("12345-6789" or 9 bare digits -> 12345, as Meta asks);
-- a Brazilian CEP keeps all 8 digits ("01310-100" -> 01310100): Meta's rule cuts only US zips, and
-- the CEP's last 3 digits are part of the code. 3 to 10 characters with at least one digit, else NULL
-- ("n/a", "none", "-").
create or replace function tracking.normalize_zip(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
  pg_catalog.regexp_replace(pg_catalog.lower(value), '[^a-z0-9]', '', 'g'),
  '^([0-9]{5})[0-9]{4}$', '\1'),
  '^((?=[a-z]*[0-9])[a-z0-9]{3,10})$|^.*$', '\1'), '');
revoke all on function tracking.normalize_zip(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_zip(text) to authenticated, service_role;
