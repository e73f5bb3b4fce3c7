-- fn, ln, ct (and the base of st/country): NFC, lowercase, and only letters and combining marks of
-- any script are kept (Meta: "lowercase only with no punctuation", UTF-8 kept: Valéry -> valéry,
-- 정 -> 정). Removed: ASCII digits, punctuation, symbols, emoji, control characters and ALL spaces:
-- "Maria Clara" -> "mariaclara", "New York" -> "newyork" (Meta's own ct example). Removing spaces
-- rather than collapsing them makes "Mary Ann" and "Mary-Ann" hash the same, as hyphens are removed.
-- ª and º (alpha to glibc) are removed too: "3º" is no part of a name.
-- The combining-mark ranges keep e.g. the Devanagari virama, which glibc does not count as alpha;
-- the final NFC recomposes what the removal brought together (idempotence).
create or replace function tracking.normalize_letters(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.normalize(pg_catalog.translate(pg_catalog.regexp_replace(
  pg_catalog.lower(pg_catalog.normalize(value, 'NFC')),
  '[^[:alpha:]\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed'
  || '\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff'
  || '\u3099\u309a\ufe20-\ufe2f]',
  '', 'g'), 'ªº', ''), 'NFC'), '');
revoke all on function tracking.normalize_letters(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_letters(text) to authenticated, service_role;
