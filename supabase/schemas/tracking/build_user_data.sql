-- Raw customer fields -> Meta user_data: hashed fields hashed per Meta's rules, the others validated
-- and kept as they are. fbc is built from a click's fbclid when no valid fbc cookie came along.
create or replace function tracking.build_user_data(raw jsonb, seen_at timestamptz) returns jsonb
language sql stable parallel safe
as $$
  select pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'em', tracking.hash_user_field('em', raw ->> 'em'),
    'ph', tracking.hash_user_field('ph', raw ->> 'ph'),
    'fn', tracking.hash_user_field('fn', raw ->> 'fn'),
    'ln', tracking.hash_user_field('ln', raw ->> 'ln'),
    'ge', tracking.hash_user_field('ge', raw ->> 'ge'),
    'db', tracking.hash_user_field('db', raw ->> 'db'),
    'ct', tracking.hash_user_field('ct', raw ->> 'ct'),
    'st', tracking.hash_user_field('st', raw ->> 'st'),
    'zp', tracking.hash_user_field('zp', raw ->> 'zp'),
    'country', tracking.hash_user_field('country', raw ->> 'country'),
    'external_id', tracking.hash_user_field('external_id', raw ->> 'external_id'),
    'client_ip_address', tracking.normalize_ip(raw ->> 'client_ip_address'),
    'client_user_agent', nullif(left(btrim(raw ->> 'client_user_agent'), 1000), ''),
    'fbc', case
      when tracking.is_valid_fbc(raw ->> 'fbc') then raw ->> 'fbc'
      else tracking.build_fbc(raw ->> 'fbclid', seen_at)
    end,
    'fbp', case when tracking.is_valid_fbp(raw ->> 'fbp') then raw ->> 'fbp' end,
    'ctwa_clid', nullif(btrim(raw ->> 'ctwa_clid'), ''),
    'whatsapp_business_account_id', nullif(btrim(raw ->> 'whatsapp_business_account_id'), '')
  ))
$$;
revoke all on function tracking.build_user_data(jsonb,timestamp with time zone) from public, anon, authenticated, service_role, looker_reader;
