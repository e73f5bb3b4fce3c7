-- What validate_gateway checks, for any gateway: where its credential is kept (app.secrets kind), whether
-- a token gateway's endpoint holds the credential's digest, and the notifications refused for their
-- token or signature since the lead last gave the credential, with the latest refusal's message (it
-- names the header, URL parameter or body field the credential was looked for in).
create or replace function setup.gateway_refusals_since_secret(session uuid)
returns table (secret_kind text, label text, token_digest_missing boolean, refused bigint, last_message text)
language sql stable
set search_path = ''
as $$
  select g.secret_kind, g.label,
         g.auth = 'token' and e.token_sha256 is null,
         (select count(*) from tracking.rejected_requests r
          where r.company_id = s.company_id and r.source = s.gateway
            and r.error_code in ('invalid_token', 'bad_signature') and r.received_at >= s.gateway_secret_at),
         (select r.message from tracking.rejected_requests r
          where r.company_id = s.company_id and r.source = s.gateway
            and r.error_code in ('invalid_token', 'bad_signature') and r.received_at >= s.gateway_secret_at
          order by r.id desc limit 1)
  from setup.sessions s
  join tracking.gateways g on g.gateway = s.gateway
  left join tracking.endpoints e on e.public_key = s.webhook_key
  where s.id = session
$$;
revoke all on function setup.gateway_refusals_since_secret(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.gateway_refusals_since_secret(uuid) to service_role;
