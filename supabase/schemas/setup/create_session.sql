-- A new session (and, when company is null, a new company owned by the user). The API verified the
-- user's token; membership is decided here. The caller stores the encrypted secrets in the same
-- transaction, then calls setup.advance. The gateway is any row of tracking.gateways; for a token gateway
-- (auth 'token') the endpoint keeps the credential's SHA-256, which each notification is compared with.
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
  gw tracking.gateways;
begin
  select * into gw from tracking.gateways g where g.gateway = fields ->> 'gateway';
  if not found then
    raise exception 'gateway % is not one Track AI takes notifications from', fields ->> 'gateway'
      using errcode = 'invalid_parameter_value';
  end if;
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
  values (cid, gw.gateway, wh, case when gw.auth = 'token' then webhook_token_sha256 end),
         (cid, 'collector', co, null);
  insert into tracking.allowed_origins (company_id, origin)
  values (cid, pg_catalog.lower(pg_catalog.substring(fields ->> 'landing_url', '^(https?://[^/?#]+)')))
  on conflict do nothing;
  insert into delivery.destinations (company_id, pixel_id) values (cid, fields ->> 'pixel_id')
  on conflict (company_id, pixel_id) do nothing;
  update app.companies set test_event_code = fields ->> 'test_event_code' where id = cid;
  insert into setup.sessions (company_id, created_by, pixel_id, gateway, landing_url, tracking_domain,
                              test_event_code, webhook_key, collector_key)
  values (cid, by_user, fields ->> 'pixel_id', gw.gateway, fields ->> 'landing_url',
          pg_catalog.lower(fields ->> 'tracking_domain'), fields ->> 'test_event_code', wh, co)
  returning * into s;
  insert into setup.steps (session_id, company_id, name)
  select s.id, cid, k.name from setup.step_kinds k;
  return s;
end
$$;
revoke all on function setup.create_session(uuid,text,uuid,jsonb,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.create_session(uuid,text,uuid,jsonb,text) to service_role;
