-- A YYYYMMDD string when it is a real calendar date from 1900 to tracking.birth_year_ceiling(),
-- else NULL. Month lengths and leap years (2000 is one, 1900 is not) are checked by the pattern;
-- the ceiling is applied as least(d, '<year>1232') compared with '<year>1232' (no valid date of the
-- ceiling year reaches day 32), which references d only once.
create or replace function tracking.birthdate_if_valid(ymd text) returns text
language sql immutable parallel safe
return nullif(
  least(
    nullif(pg_catalog.regexp_replace(ymd,
      '^((?:19|20)[0-9]{2}(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)'
      || '|02(?:0[1-9]|1[0-9]|2[0-8]))|(?:(?:19|20)(?:0[48]|[2468][048]|[13579][26])|2000)0229)$|^.*$',
      '\1'), '') collate "C",
    tracking.birth_year_ceiling()::text || '1232'),
  tracking.birth_year_ceiling()::text || '1232');
revoke all on function tracking.birthdate_if_valid(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.birthdate_if_valid(text) to authenticated, service_role;
