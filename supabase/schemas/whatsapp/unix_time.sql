-- Unix seconds as Meta sends them (a string); null when absent or malformed.
create or replace function whatsapp.unix_time(value text) returns timestamptz
language sql immutable parallel safe
as $$
  select case when value ~ '^[0-9]{1,12}$' then pg_catalog.to_timestamp(value::bigint) end
$$;
revoke all on function whatsapp.unix_time(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.unix_time(text) to authenticated, service_role;
