-- Duplicates: the key already exists (committed), so tracking.record_event will answer with the
-- existing event. One index probe per new key; a row only for a duplicate. A copy racing the first one
-- (both in flight) waits on the key and is not counted: the rate is a lower bound.
create or replace function monitoring.note_duplicate() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  first_pk bigint;
  src text;
  ev_name text;
begin
  select e.id, e.source, e.event_name into first_pk, src, ev_name
  from tracking.event_keys k
  join tracking.events e on e.id = k.event_pk
  where k.company_id = new.company_id and k.event_id = new.event_id;
  if found then
    insert into monitoring.duplicates (company_id, event_pk, source, event_name)
    values (new.company_id, first_pk, src, ev_name);
  end if;
  return new;
end
$$;
revoke all on function monitoring.note_duplicate() from public, anon, authenticated, service_role, looker_reader;
