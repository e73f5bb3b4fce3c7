-- Remember a browser or lead identity on the visitor (hashed), creating the visitor if needed.
create or replace function tracking.touch_visitor(company uuid, visitor text, seen_at timestamptz, raw jsonb)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into tracking.visitors as vv (
    company_id, visitor_id, first_seen_at, last_seen_at, fbc, fbp, client_ip_address, client_user_agent,
    landing_url, em, ph, external_id
  )
  select company, visitor, seen_at, seen_at, u ->> 'fbc', u ->> 'fbp', u ->> 'client_ip_address',
         u ->> 'client_user_agent', nullif(left(raw ->> 'url', 2000), ''), u ->> 'em', u ->> 'ph',
         u ->> 'external_id'
  from (select tracking.build_user_data(raw, seen_at) as u) b
  on conflict (company_id, visitor_id) do update set
    last_seen_at = greatest(vv.last_seen_at, excluded.last_seen_at),
    fbc = coalesce(excluded.fbc, vv.fbc),
    fbp = coalesce(excluded.fbp, vv.fbp),
    client_ip_address = coalesce(excluded.client_ip_address, vv.client_ip_address),
    client_user_agent = coalesce(excluded.client_user_agent, vv.client_user_agent),
    landing_url = coalesce(vv.landing_url, excluded.landing_url),
    em = coalesce(excluded.em, vv.em),
    ph = coalesce(excluded.ph, vv.ph),
    external_id = coalesce(excluded.external_id, vv.external_id);
end
$$;
revoke all on function tracking.touch_visitor(uuid,text,timestamp with time zone,jsonb) from public, anon, authenticated, service_role, looker_reader;
