-- Whether the gateway refused a postback since the lead last gave its secret (validate_gateway).
create or replace function setup.gateway_rejections_since_secret(session uuid) returns bigint
language sql stable
set search_path = ''
as $$
  select count(*) from tracking.rejected_requests r
  join setup.sessions s on s.company_id = r.company_id and r.source = s.gateway
  where s.id = session and r.error_code in ('invalid_token', 'bad_signature')
    and r.received_at >= s.gateway_secret_at
$$;
revoke all on function setup.gateway_rejections_since_secret(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.gateway_rejections_since_secret(uuid) to service_role;
