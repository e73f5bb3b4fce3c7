-- Supabase anonymous sign-ins (issue 14): a token with `is_anonymous: true` is a signed-in user with a
-- uuid, role authenticated, and no proven identity. Such a user may read what they are a member of, but
-- may not create a company (setup.create_session) nor act as an admin (app.has_company_access with a
-- role above viewer, app.admin_company). The claims are read with auth.jwt(), as every policy does.

create function app.is_anonymous() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce((select auth.jwt()) ->> 'is_anonymous' = 'true', false)
$$;
comment on function app.is_anonymous() is
'True when the JWT is an anonymous sign-in''s (is_anonymous claim); such users are never admins.';

-- Body from 20261128000200_tenancy.sql, plus: above viewer, an anonymous sign-in has no access.
create or replace function app.has_company_access(company uuid, min_role text default 'viewer') returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from app.company_members m
    where m.company_id = company
      and m.user_id = (select auth.uid())
      and app.role_rank(m.role) >= app.role_rank(min_role)
  )
  and (app.role_rank(min_role) <= app.role_rank('viewer') or not app.is_anonymous())
$$;
comment on function app.has_company_access(uuid, text) is
'True when the JWT user is a member of the company with at least min_role (above viewer: not an anonymous sign-in).';

-- Body from 20261129004100_app_admin_company.sql, plus the anonymous sign-in's refusal, said plainly.
create or replace function app.admin_company(company uuid, action text) returns uuid
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  target uuid := company;
  n int;
begin
  if uid is null then
    raise exception 'sign in first' using errcode = '42501';
  end if;
  if app.is_anonymous() then
    raise exception 'an anonymous sign-in cannot %: sign up with an email or a provider first', action
      using errcode = '42501';
  end if;
  if target is null then
    select count(*), pg_catalog.min(m.company_id::text)::uuid into n, target
    from app.company_members m
    where m.user_id = uid and app.role_rank(m.role) >= app.role_rank('marketing_admin');
    if n > 1 then
      raise exception 'you administer % companies: say which one (company_id)', n using errcode = '22023';
    end if;
  end if;
  if target is null or not app.has_company_access(target, 'marketing_admin') then
    raise exception 'only a marketing or backoffice admin of the company may %', action using errcode = '42501';
  end if;
  return target;
end
$$;

-- Body from 20261129001010_setup_flow.sql, plus: the API passes the caller's claims for this call, and an
-- anonymous sign-in may neither create a company nor start a session for one.
create or replace function setup.create_session(
    company uuid, company_name text, by_user uuid, fields jsonb, webhook_token_sha256 text
) returns setup.sessions
language plpgsql
set search_path = ''
as $$
declare
  cid uuid := company;
  wh text := 'wh_' || pg_catalog.translate(pg_catalog.encode(extensions.gen_random_bytes(18), 'base64'), '+/', '-_');
  co text := 'co_' || pg_catalog.translate(pg_catalog.encode(extensions.gen_random_bytes(18), 'base64'), '+/', '-_');
  s setup.sessions;
  gw text := fields ->> 'gateway';
begin
  if app.is_anonymous() then
    raise exception 'an anonymous sign-in cannot create a company or set one up: sign up with an email or a provider first'
      using errcode = 'insufficient_privilege';
  end if;
  if cid is null then
    if coalesce(pg_catalog.btrim(company_name), '') = '' then
      raise exception 'company_name is required for a new company' using errcode = 'invalid_parameter_value';
    end if;
    insert into app.companies (name, slug)
    values (company_name, pg_catalog.left(pg_catalog.btrim(pg_catalog.regexp_replace(
              pg_catalog.lower(company_name), '[^a-z0-9]+', '-', 'g'), '-'), 40)
            || '-' || pg_catalog.substr(pg_catalog.md5(pg_catalog.random()::text), 1, 6))
    returning id into cid;
    insert into app.company_members (company_id, user_id, role) values (cid, by_user, 'backoffice_admin');
  elsif not exists (select 1 from app.company_members m where m.company_id = cid and m.user_id = by_user
                      and app.role_rank(m.role) >= app.role_rank('marketing_admin')) then
    raise exception 'you are not an admin of this company' using errcode = 'insufficient_privilege';
  elsif exists (select 1 from setup.sessions x where x.company_id = cid) then
    raise exception 'this company already has a setup session' using errcode = 'unique_violation';
  end if;
  insert into tracking.endpoints (company_id, kind, public_key, token_sha256)
  values (cid, gw, wh, case when gw = 'perfectpay' then webhook_token_sha256 end),
         (cid, 'collector', co, null);
  insert into tracking.allowed_origins (company_id, origin)
  values (cid, pg_catalog.lower(pg_catalog.substring(fields ->> 'landing_url', '^(https?://[^/?#]+)')))
  on conflict do nothing;
  insert into delivery.destinations (company_id, pixel_id) values (cid, fields ->> 'pixel_id')
  on conflict (company_id, pixel_id) do nothing;
  update app.companies set test_event_code = fields ->> 'test_event_code' where id = cid;
  insert into setup.sessions (company_id, created_by, pixel_id, gateway, landing_url, tracking_domain,
                              test_event_code, webhook_key, collector_key)
  values (cid, by_user, fields ->> 'pixel_id', gw, fields ->> 'landing_url',
          pg_catalog.lower(fields ->> 'tracking_domain'), fields ->> 'test_event_code', wh, co)
  returning * into s;
  insert into setup.steps (session_id, company_id, name)
  select s.id, cid, k.name from setup.step_kinds k;
  return s;
end
$$;

revoke execute on all functions in schema app from public, anon;
revoke execute on all functions in schema setup from public, anon;
grant execute on function app.is_anonymous() to authenticated, service_role;
