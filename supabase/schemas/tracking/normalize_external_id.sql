-- external_id: any advertiser id, trimmed and otherwise kept as sent (case preserved, Meta: "the
-- same format" as elsewhere). A Brazilian tax id is sent only when it is a real one, since one wrong
-- id shared by many buyers (the placeholder 000.000.000-00) would make Meta merge them into one person:
-- - written as a CPF (999.999.999-99, punctuation optional) or a CNPJ (99.999.999/9999-99, numeric or
--   alphanumeric, punctuation optional): valid -> its bare 11 digits / 14 characters (uppercase), so
--   one person gets one id whichever way it was typed; invalid with its punctuation, or one digit
--   repeated, -> NULL (sent in no field).
-- - 11 or 14 bare digits that fail the check digits are kept: without punctuation or a document type
--   they may be another id (a phone, a customer number). The gateways, which know the field holds a
--   CPF or CNPJ, pass it through tracking.tax_id_if_valid first, so there an invalid one is dropped too.
create or replace function tracking.normalize_external_id(value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff')
    ~ '^[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}$' then case
      when tracking.is_valid_cpf(
        pg_catalog.translate(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '.-', ''))
        then pg_catalog.translate(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '.-', '')
      when pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff') ~ '^(.)\1{10}$|[.-]' then null
      else pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff')
    end
  when pg_catalog.upper(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'))
    ~ '^[0-9A-Z]{2}\.?[0-9A-Z]{3}\.?[0-9A-Z]{3}/?[0-9A-Z]{4}-?[0-9]{2}$'
    and pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff') ~ '[./-]|^[0-9]{14}$' then case
      when tracking.is_valid_cnpj(pg_catalog.upper(
        pg_catalog.translate(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), './-', '')))
        then pg_catalog.upper(
          pg_catalog.translate(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), './-', ''))
      when pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff') ~ '^(.)\1{13}$|[./-]' then null
      else pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff')
    end
  else nullif(pg_catalog.btrim(value, e' \t\n\r\x0b\f\u00a0\u200b\ufeff'), '')
end;
revoke all on function tracking.normalize_external_id(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_external_id(text) to authenticated, service_role;
