-- The dashboard: a marketing or backoffice admin ends one of their pixels' overrides now (its expiry
-- becomes now; an older unexpired override of the pixel, if any, wins again). Refusals:
-- unknown_override (42704; another company's looks the same), admin_role_required (42501),
-- override_already_ended (22023). Audited by the trigger on delivery.breaker_overrides.
create or replace function delivery.end_breaker_override(override_id bigint) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  ov delivery.breaker_overrides;
begin
  select o.* into ov from delivery.breaker_overrides o
  where o.id = end_breaker_override.override_id and o.scope = 'destination'
    and o.company_id = any (app.my_company_ids())
  for update;
  if not found then
    raise exception 'no breaker override % among your companies'' pixels', end_breaker_override.override_id
      using errcode = '42704', hint = 'unknown_override';
  end if;
  perform delivery.admin_destination_company(ov.destination_id, 'end its breaker override');
  if ov.expires_at <= app.now() then
    raise exception 'breaker override % already ended at %', ov.id, ov.expires_at
      using errcode = '22023', hint = 'override_already_ended';
  end if;
  update delivery.breaker_overrides o set expires_at = app.now() where o.id = ov.id;
end
$$;
comment on function delivery.end_breaker_override(bigint) is 'Dashboard RPC: a company admin ends their pixel''s breaker override now.';
revoke all on function delivery.end_breaker_override(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.end_breaker_override(bigint) to authenticated, service_role;
