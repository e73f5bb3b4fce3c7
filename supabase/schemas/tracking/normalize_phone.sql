-- ph: digits only with the country code (Meta: "remove symbols, letters, and any leading zeros";
-- "always include the country code"). The country code the source gives is kept; 55 is added only
-- when none is given and the number is a valid Brazilian one. Steps:
-- 1. keep the digits; drop leading zeros (Brazilian trunk prefix "0 11 9...", international "00 55").
-- 2. A number written in international form gives its country code, and is kept as given: a "+"
--    before its first digit ("+34 91 123 45 67") or the international call prefix 00 ("0034 ...").
--    A source that has the country calling code in a field of its own (Perfect Pay's phone_extension)
--    hands the number over as "+<code> <number>" (tracking.process_perfectpay).
-- 3. No country code given: Brazil first. A 10/11-digit number that is a real Brazilian DDD (11-19, 21,
--    22, 24, 27, 28, 31-35, 37, 38, 41-49, 51, 53-55, 61-69, 71, 73-75, 77, 79, 81-89, 91-99) followed by
--    a 9-digit mobile starting with 9 or an 8-digit landline starting with 2-5 gets 55. Anything else
--    is taken to carry its country code already: "55..." with 12/13 digits, NANP "1" + 10 digits (a
--    NANP area code never has 9 in second place, so "1" + DDD + "9..." cannot be NANP), and others.
-- 4. 7 to 15 digits (E.164 allows at most 15), else NULL.
-- Argentina (E.164 as the numbering plan has it): a mobile is +54 9 <area code> <number>, the 9 being
-- part of the international number (the national "0" and "15" are not); "+54 9 11 2345-6789" is kept
-- as 5491123456789, never stripped of its 9 nor read as Brazilian (DDD 54 + 9...).
-- Digits alone cannot tell Madrid's 34 91x xxx xxx from a mobile of DDD 34: without "+", "00" or a
-- country-code field such a number is read as Brazilian. So the normal form, which always carries its
-- country code, normalises to itself when read back as international ("+" || normal form).
create or replace function tracking.normalize_phone(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.regexp_replace(
  case
    when value ~ '^[^0-9]*(\+|0[^0-9]*0)'
      then pg_catalog.ltrim(pg_catalog.regexp_replace(value, '[^0-9]', '', 'g'), '0')
    else pg_catalog.regexp_replace(
      pg_catalog.ltrim(pg_catalog.regexp_replace(value, '[^0-9]', '', 'g'), '0'),
      '^((?:1[1-9]|2[12478]|3[1-578]|4[1-9]|5[1345]|6[1-9]|7[13-579]|8[1-9]|9[1-9])'
      || '(?:9[0-9]{8}|[2-5][0-9]{7}))$', '55\1')
  end,
  '^([0-9]{7,15})$|^.*$', '\1'), '');
revoke all on function tracking.normalize_phone(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_phone(text) to authenticated, service_role;
