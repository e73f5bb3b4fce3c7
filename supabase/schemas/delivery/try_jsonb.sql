-- JSON of an answer body, or null when it is not JSON (an HTML error page, a cut connection).
create or replace function delivery.try_jsonb(body text) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  return body::jsonb;
exception when others then
  return null;
end
$$;
revoke all on function delivery.try_jsonb(text) from public, anon, authenticated, service_role, looker_reader;
