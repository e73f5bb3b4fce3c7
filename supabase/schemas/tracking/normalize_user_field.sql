-- The normalised value of one Meta user_data field (em, ph, fn, ln, ge, db, ct, st, zp, country,
-- external_id), as its SHA-256 is computed from; NULL for an unknown field, an empty, unusable or
-- oversized (> 4 kB) value. A value that already is a SHA-256 comes back lowercased. Never raises.
create or replace function tracking.normalize_user_field(field text, value text) returns text
language sql immutable parallel safe
return case
  when pg_catalog.octet_length(value) > 4096 then null
  else coalesce(tracking.user_field_prehashed(field, value), case field
    when 'em' then tracking.normalize_email(value)
    when 'ph' then tracking.normalize_phone(value)
    when 'fn' then tracking.normalize_letters(value)
    when 'ln' then tracking.normalize_letters(value)
    when 'ge' then tracking.normalize_gender(value)
    when 'db' then tracking.normalize_birthdate(value)
    when 'ct' then tracking.normalize_letters(value)
    when 'st' then tracking.normalize_state(value)
    when 'zp' then tracking.normalize_zip(value)
    when 'country' then tracking.normalize_country(value)
    when 'external_id' then tracking.normalize_external_id(value)
  end)
end;
comment on function tracking.normalize_user_field(text,text) is 'Meta user_data field normalised per Meta''s written rules (Brazil first); NULL when unusable. Never raises.';
revoke all on function tracking.normalize_user_field(text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_user_field(text,text) to authenticated, service_role;
