-- Trigger function: the gateways changed, so tracking.adapt is written again (tracking.write_adapt).
create or replace function tracking.gateways_changed() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform tracking.write_adapt();
  return null;
end
$$;
revoke all on function tracking.gateways_changed() from public, anon, authenticated, service_role, looker_reader;
