-- What the API needs to verify a Mercado Pago signature: the company and its encrypted secret.
create or replace function tracking.endpoint_secret(key text, endpoint_kind text, secret_kind text)
returns table (company_id uuid, key_id text, ciphertext bytea)
language sql stable
set search_path = ''
as $$
  select e.company_id, s.key_id, s.ciphertext
  from tracking.endpoints e
  left join app.secrets s on s.company_id = e.company_id and s.kind = secret_kind
  where e.public_key = key and e.kind = endpoint_kind and e.disabled_at is null
$$;
revoke all on function tracking.endpoint_secret(text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.endpoint_secret(text,text,text) to service_role;
