-- external_id: any advertiser id, trimmed and otherwise kept as sent (case preserved, Meta: "the
-- same format" as elsewhere). A valid CPF, with or without its ./- punctuation, becomes its 11
-- digits, so the same person gets one id whichever way the CPF was typed; an invalid one is kept.
create or replace function tracking.normalize_external_id(value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff')
    ~ '^[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}$'
    and tracking.is_valid_cpf(
      pg_catalog.translate(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '.-', ''))
    then pg_catalog.translate(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '.-', '')
  else nullif(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '')
end;
revoke all on function tracking.normalize_external_id(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_external_id(text) to authenticated, service_role;
