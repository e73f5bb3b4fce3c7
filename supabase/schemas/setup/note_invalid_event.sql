-- A gateway sale that breaks one of Meta's rules (tracking.record_event): the gateway step fails with
-- the rule's diagnosis (the field to fix, pt-BR and English), and the session needs attention.
create or replace function setup.note_invalid_event() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
  diagnosis text;
begin
  select * into s from setup.sessions x where x.company_id = new.company_id and x.gateway = new.source
  order by x.created_at desc limit 1;
  select r.diagnosis_code into diagnosis from tracking.meta_event_rules r
  where r.code = pg_catalog.split_part(new.last_error, ':', 1);
  if s.id is not null and diagnosis is not null then
    perform setup.fail_step(s.id, 'validate_gateway', diagnosis,
      pg_catalog.format('the %s sale %s was not sent to Meta: %s', new.source, new.provider_ref, new.last_error));
  end if;
  return null;
end
$$;
revoke all on function setup.note_invalid_event() from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.note_invalid_event() to service_role;
