create or replace function app.role_rank(role text) returns int
language sql immutable
set search_path = ''
as $$
  select case role when 'viewer' then 1 when 'marketing_admin' then 2 when 'backoffice_admin' then 3 end
$$;
revoke all on function app.role_rank(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function app.role_rank(text) to authenticated, service_role;
