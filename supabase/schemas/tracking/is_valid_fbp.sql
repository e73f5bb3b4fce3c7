-- fbp cookie: fb.<subdomain index>.<creation time, unix ms>.<random number>, optionally with the
-- Parameter Builder's 5th "appendix" segment. NULL -> false.
create or replace function tracking.is_valid_fbp(v text) returns boolean
language sql immutable parallel safe
return coalesce(v ~ '^fb\.[0-9]{1,2}\.[0-9]{13}\.[0-9]+(\.[A-Za-z0-9_-]+)?$', false);
comment on function tracking.is_valid_fbp(text) is 'fb.<subdomain index>.<unix ms>.<random>[.<appendix>]';
revoke all on function tracking.is_valid_fbp(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.is_valid_fbp(text) to authenticated, service_role;
