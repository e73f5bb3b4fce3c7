-- fbc cookie/parameter as Meta defines it: fb.<subdomain index>.<creation time, unix ms>.<fbclid>,
-- optionally with the Parameter Builder's 5th "appendix" segment. The fbclid segment is base64url
-- text (case-sensitive, never altered); the time must be 13-digit milliseconds (a seconds value is
-- the most common bug). NULL -> false.
create or replace function tracking.is_valid_fbc(v text) returns boolean
language sql immutable parallel safe
return coalesce(v ~ '^fb\.[0-9]{1,2}\.[0-9]{13}\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$', false);
comment on function tracking.is_valid_fbc(text) is 'fb.<subdomain index>.<unix ms>.<fbclid>[.<appendix>]';
revoke all on function tracking.is_valid_fbc(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.is_valid_fbc(text) to authenticated, service_role;
