-- em: trimmed and lowercased (Meta), and it must look like an address: one @; no whitespace, control
-- characters, no-break or zero-width spaces, or <>()[],;:"\ ; a domain of dot-separated labels ending
-- in a TLD of 2+ characters.
create or replace function tracking.normalize_email(value text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.regexp_replace(
  pg_catalog.lower(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff')),
  '^([^@[:space:][:cntrl:]\u00a0\u200b\ufeff<>()[\],;:"\\]+'
  || '@(?:[^@.[:space:][:cntrl:]\u00a0\u200b\ufeff<>()[\],;:"\\]+\.)+'
  || '[^@.[:space:][:cntrl:]\u00a0\u200b\ufeff<>()[\],;:"\\]{2,})$|^.*$',
  '\1'), '');
revoke all on function tracking.normalize_email(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_email(text) to authenticated, service_role;
