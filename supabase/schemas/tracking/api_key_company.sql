-- The company behind a server-to-server API key (the API passes the key's SHA-256, never the key).
create or replace function tracking.api_key_company(key_sha256 text) returns uuid
language sql stable
set search_path = ''
as $$
  select k.company_id from tracking.api_keys k
  where k.key_sha256 = api_key_company.key_sha256 and k.revoked_at is null
$$;
revoke all on function tracking.api_key_company(text) from public, anon, authenticated, service_role, looker_reader;
