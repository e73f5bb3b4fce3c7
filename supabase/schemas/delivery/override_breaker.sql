-- An admin forces a breaker open or closed for a while (scope: 'meta' or a destination id).
create or replace function delivery.override_breaker(
    destination bigint, force text, reason text, expires_at timestamptz, created_by text
) returns bigint
language sql
set search_path = ''
as $$
  insert into delivery.breaker_overrides (scope, destination_id, company_id, force, reason, created_by, expires_at)
  select case when destination is null then 'meta' else 'destination' end, destination,
         (select d.company_id from delivery.destinations d where d.id = destination),
         force, reason, created_by, expires_at
  returning id
$$;
revoke all on function delivery.override_breaker(bigint,text,text,timestamp with time zone,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.override_breaker(bigint,text,text,timestamp with time zone,text) to service_role;
