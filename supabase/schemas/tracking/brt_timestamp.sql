-- A local timestamp without zone, as gateways send it, read in Brazil's time.
create or replace function tracking.brt_timestamp(value text) returns timestamptz
language plpgsql stable
set search_path = ''
as $$
begin
  if value is null or btrim(value) = '' then
    return null;
  end if;
  if value ~ '(Z|[+-][0-9]{2}:?[0-9]{2})$' then
    return value::timestamptz;
  end if;
  return (value::timestamp) at time zone 'America/Sao_Paulo';
exception when others then
  return null;
end
$$;
revoke all on function tracking.brt_timestamp(text) from public, anon, authenticated, service_role, looker_reader;
