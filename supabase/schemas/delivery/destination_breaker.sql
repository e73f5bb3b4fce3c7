-- The breaker of a destination, created closed on first use.
create or replace function delivery.destination_breaker(destination bigint) returns bigint
language plpgsql
set search_path = ''
as $$
declare
  b bigint;
begin
  select x.id into b from delivery.breakers x where x.destination_id = destination;
  if b is null then
    -- changed_at -infinity: a new breaker counts every attempt of its window, not only later ones
    insert into delivery.breakers (scope, destination_id, company_id, changed_at)
    select 'destination', d.id, d.company_id, '-infinity' from delivery.destinations d where d.id = destination
    on conflict (destination_id) do nothing;
    select x.id into b from delivery.breakers x where x.destination_id = destination;
  end if;
  return b;
end
$$;
revoke all on function delivery.destination_breaker(bigint) from public, anon, authenticated, service_role, looker_reader;
