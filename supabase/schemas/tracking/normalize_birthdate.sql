-- db: YYYYMMDD (Meta), from YYYYMMDD, YYYY-MM-DD (also with / or . and an ISO time after it),
-- or D/M/YYYY with /, - or . between (one or two digits each).
-- Slash dates are read Brazilian first: DD/MM/YYYY. They are read as US MM/DD/YYYY only when DD/MM
-- gives no valid date, e.g. Meta's own example 2/16/1997 -> 19970216 (16 cannot be a month);
-- 05/06/1990 is 5 June. Validated as a real date, year 1900..current year, else NULL.
create or replace function tracking.normalize_birthdate(value text) returns text
language sql immutable parallel safe
return coalesce(
  tracking.birthdate_if_valid(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
    pg_catalog.regexp_replace(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'),
      '(^|[^0-9])([0-9])(?=[^0-9]|$)', '\10\2', 'g'),
    '^([0-9]{4})[-/.]?([0-9]{2})[-/.]?([0-9]{2})(?:[T ][0-9:.+Z-]*)?$', '\1\2\3'),
    '^([0-9]{2})[-/.]([0-9]{2})[-/.]([0-9]{4})$', '\3\2\1')),
  tracking.birthdate_if_valid(pg_catalog.regexp_replace(
    pg_catalog.regexp_replace(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'),
      '(^|[^0-9])([0-9])(?=[^0-9]|$)', '\10\2', 'g'),
    '^([0-9]{2})[-/.]([0-9]{2})[-/.]([0-9]{4})$', '\3\1\2')));
revoke all on function tracking.normalize_birthdate(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_birthdate(text) to authenticated, service_role;
