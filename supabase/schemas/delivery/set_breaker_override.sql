-- The dashboard: a marketing or backoffice admin forces their pixel's breaker open (stop sending) or
-- closed (send anyway) until expires_at, with a reason. Returns the override's id. Each refusal has
-- its own SQLSTATE and a machine-readable hint the client shows: unknown_destination (42704; another
-- company's pixel looks the same), admin_role_required (42501), invalid_force (22023), reason_required
-- (22004), expiry_in_past (22008). The Meta-wide breaker stays with delivery.override_breaker
-- (service_role). Audited by the trigger on delivery.breaker_overrides.
create or replace function delivery.set_breaker_override(
    destination_id bigint, force text, reason text, expires_at timestamptz
) returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  company uuid;
  new_id bigint;
begin
  company := delivery.admin_destination_company(set_breaker_override.destination_id, 'override its breaker');
  if set_breaker_override.force is null or set_breaker_override.force not in ('open', 'closed') then
    raise exception 'force must be ''open'' or ''closed'', not %', coalesce(set_breaker_override.force, 'null')
      using errcode = '22023', hint = 'invalid_force';
  end if;
  if coalesce(btrim(set_breaker_override.reason), '') = '' then
    raise exception 'say why the breaker is overridden (reason)' using errcode = '22004', hint = 'reason_required';
  end if;
  if set_breaker_override.expires_at is null or set_breaker_override.expires_at <= app.now() then
    raise exception 'expires_at (%) must be in the future (now: %)',
      coalesce(set_breaker_override.expires_at::text, 'null'), app.now()
      using errcode = '22008', hint = 'expiry_in_past';
  end if;
  insert into delivery.breaker_overrides (scope, destination_id, company_id, force, reason, created_by, expires_at)
  values ('destination', set_breaker_override.destination_id, company, set_breaker_override.force,
          btrim(set_breaker_override.reason), 'user:' || (select auth.uid())::text, set_breaker_override.expires_at)
  returning id into new_id;
  return new_id;
end
$$;
comment on function delivery.set_breaker_override(bigint,text,text,timestamp with time zone) is 'Dashboard RPC: a company admin forces their pixel''s breaker open or closed until expires_at; returns the override id.';
revoke all on function delivery.set_breaker_override(bigint,text,text,timestamp with time zone) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.set_breaker_override(bigint,text,text,timestamp with time zone) to authenticated, service_role;
