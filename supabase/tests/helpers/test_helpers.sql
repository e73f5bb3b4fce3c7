-- Test helpers (loaded into test databases only, never a migration), after basejump's
-- supabase_test_helpers: users, authenticating as a user / anon / service role, frozen time.

create extension if not exists pgtap with schema extensions;
create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

create or replace function tests.create_user(identifier text) returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into auth.users (email, raw_user_meta_data)
  values (identifier || '@test.local', pg_catalog.jsonb_build_object('test_identifier', identifier))
  returning id
$$;

create or replace function tests.user_id(identifier text) returns uuid
language sql stable
security definer
set search_path = ''
as $$
  select id from auth.users where email = identifier || '@test.local'
$$;

create or replace function tests.create_company(slug text) returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into app.companies (name, slug) values (pg_catalog.initcap(slug), slug) returning id
$$;

create or replace function tests.add_member(company uuid, identifier text, member_role text) returns void
language sql
security definer
set search_path = ''
as $$
  insert into app.company_members (company_id, user_id, role)
  values (company, tests.user_id(identifier), member_role)
$$;

-- Act as the user through PostgREST: role authenticated + the JWT claims, for this transaction.
create or replace function tests.authenticate_as(identifier text) returns void
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('request.jwt.claims', pg_catalog.jsonb_build_object(
    'sub', tests.user_id(identifier), 'role', 'authenticated',
    'email', identifier || '@test.local')::text, true);
  perform pg_catalog.set_config('role', 'authenticated', true);
end
$$;

create or replace function tests.authenticate_as_anon() returns void
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('request.jwt.claims', '{"role": "anon"}', true);
  perform pg_catalog.set_config('role', 'anon', true);
end
$$;

create or replace function tests.authenticate_as_service_role() returns void
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('request.jwt.claims', '{"role": "service_role"}', true);
  perform pg_catalog.set_config('role', 'service_role', true);
end
$$;

create or replace function tests.clear_authentication() returns void
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('role', 'postgres', true);
  perform pg_catalog.set_config('request.jwt.claims', '', true);
end
$$;

-- app.now() reads trackai.now: freeze and thaw the project's clock.
create or replace function tests.freeze_time(at timestamptz) returns void
language sql
set search_path = ''
as $$
  select pg_catalog.set_config('trackai.now', at::text, false)
$$;

create or replace function tests.unfreeze_time() returns void
language sql
set search_path = ''
as $$
  select pg_catalog.set_config('trackai.now', '', false)
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
