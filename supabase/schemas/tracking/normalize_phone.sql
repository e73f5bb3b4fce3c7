-- ph: digits only with the country code (Meta: "remove symbols, letters, and any leading zeros";
-- "always include the country code"). Steps:
-- 1. keep the digits; drop leading zeros (Brazilian trunk prefix "0 11 9...", international "00 55").
-- 2. Brazil first: a 10/11-digit number that is a real Brazilian DDD (11-19, 21, 22, 24, 27, 28,
--    31-35, 37, 38, 41-49, 51, 53-55, 61-69, 71, 73-75, 77, 79, 81-89, 91-99) followed by a 9-digit
--    mobile starting with 9 or an 8-digit landline starting with 2-5 has no country code: prepend 55.
--    Anything else is taken to carry its country code already: "55..." with 12/13 digits, NANP
--    "1" + 10 digits (a NANP area code never has 9 in second place, so "1" + DDD + "9..." cannot
--    be NANP), and other countries. Using the real DDD list instead of 11-99 keeps e.g. Chilean
--    mobiles (56 9xxxx xxxx) and Uruguayan ones (598 9x...) intact.
-- 3. 7 to 15 digits (E.164 allows at most 15), else NULL.
-- Known ambiguity, resolved for Brazil: a foreign number whose country code happens to look like a
-- DDD (e.g. Madrid landline 34 91x xxx xxx, Peruvian mobile 51 9xx xxx xxx) gets 55 prepended; the
-- digits alone cannot tell, and taking "+" into account would make normalising non-idempotent.
create or replace function tracking.normalize_phone(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
  pg_catalog.ltrim(pg_catalog.regexp_replace(value, '[^0-9]', '', 'g'), '0'),
  '^((?:1[1-9]|2[12478]|3[1-578]|4[1-9]|5[1345]|6[1-9]|7[13-579]|8[1-9]|9[1-9])'
  || '(?:9[0-9]{8}|[2-5][0-9]{7}))$', '55\1'),
  '^([0-9]{7,15})$|^.*$', '\1'), '');
revoke all on function tracking.normalize_phone(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_phone(text) to authenticated, service_role;
