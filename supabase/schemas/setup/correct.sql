-- The lead corrects fields (secrets are re-encrypted by the caller in the same transaction and only
-- named here): only the steps that read a changed field re-run, with everything downstream.
create or replace function setup.correct(session uuid, fields jsonb, secret_fields text [], webhook_token_sha256 text)
returns text []
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
  changed text [] := coalesce(secret_fields, '{}');
  f text;
begin
  select * into s from setup.sessions where id = session for update;
  if not found then
    raise exception 'no setup session %', session using errcode = 'no_data_found';
  end if;
  for f in select pg_catalog.jsonb_object_keys(fields) loop
    if f not in ('pixel_id', 'landing_url', 'tracking_domain', 'test_event_code') then
      raise exception 'field % cannot be corrected', f using errcode = 'invalid_parameter_value';
    end if;
  end loop;
  update setup.sessions set
    pixel_id = coalesce(fields ->> 'pixel_id', pixel_id),
    landing_url = coalesce(fields ->> 'landing_url', landing_url),
    tracking_domain = coalesce(pg_catalog.lower(fields ->> 'tracking_domain'), tracking_domain),
    test_event_code = case when fields ? 'test_event_code' then fields ->> 'test_event_code' else test_event_code end,
    gateway_secret_at = case when 'gateway_secret' = any(changed) then app.now() else gateway_secret_at end
  where id = session;
  if fields ? 'pixel_id' then
    update delivery.destinations set pixel_id = fields ->> 'pixel_id'
    where company_id = s.company_id and pixel_id = s.pixel_id;
  end if;
  if fields ? 'landing_url' then
    insert into tracking.allowed_origins (company_id, origin)
    values (s.company_id, pg_catalog.lower(pg_catalog.substring(fields ->> 'landing_url', '^(https?://[^/?#]+)')))
    on conflict do nothing;
  end if;
  if fields ? 'test_event_code' and s.event_received_at is null then
    update app.companies set test_event_code = fields ->> 'test_event_code' where id = s.company_id;
  end if;
  -- a token gateway's endpoint compares each notification with the new credential's digest
  if 'gateway_secret' = any(changed)
     and exists (select 1 from tracking.gateways g where g.gateway = s.gateway and g.auth = 'token') then
    update tracking.endpoints set token_sha256 = webhook_token_sha256 where public_key = s.webhook_key;
  end if;
  changed := changed || array(select pg_catalog.jsonb_object_keys(fields));
  return setup.reopen(session, array(select k.name from setup.step_kinds k where k.reads && changed));
end
$$;
revoke all on function setup.correct(uuid,jsonb,text[],text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.correct(uuid,jsonb,text[],text) to service_role;
