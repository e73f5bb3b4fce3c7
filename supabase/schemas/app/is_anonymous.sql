-- Supabase anonymous sign-ins (issue 14): a token with `is_anonymous: true` is a signed-in user with a
-- uuid, role authenticated, and no proven identity. Such a user may read what they are a member of, but
-- may not create a company (setup.create_session) nor act as an admin (app.has_company_access with a
-- role above viewer, app.admin_company). The claims are read with auth.jwt(), as every policy does.
create or replace function app.is_anonymous() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce((select auth.jwt()) ->> 'is_anonymous' = 'true', false)
$$;
comment on function app.is_anonymous() is 'True when the JWT is an anonymous sign-in''s (is_anonymous claim); such users are never admins.';
revoke all on function app.is_anonymous() from public, anon, authenticated, service_role, looker_reader;
grant execute on function app.is_anonymous() to authenticated, service_role;
