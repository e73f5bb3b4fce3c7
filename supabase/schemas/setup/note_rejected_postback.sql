-- The gateway posts with a token other than the one the lead gave: that is the lead's to fix.
create or replace function setup.note_rejected_postback() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
begin
  select * into s from setup.sessions x where x.company_id = new.company_id and x.gateway = new.source;
  if found then
    perform setup.fail_step(s.id, 'validate_gateway', 'gateway.token_mismatch',
      pg_catalog.format('a %s postback was refused at %s: %s', new.source, new.received_at, new.message));
  end if;
  return null;
end
$$;
revoke all on function setup.note_rejected_postback() from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.note_rejected_postback() to service_role;
