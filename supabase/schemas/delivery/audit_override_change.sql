-- Trigger on delivery.breaker_overrides: every insert (set) and expiry change (ended) becomes a row of
-- delivery.breaker_override_changes with who (the JWT user, else the row's created_by or the session
-- role), when and the row before and after.
create or replace function delivery.audit_override_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into delivery.breaker_override_changes
    (override_id, scope, destination_id, company_id, action, changed_by, before, after)
  values (
    new.id, new.scope, new.destination_id, new.company_id,
    case when tg_op = 'INSERT' then 'set' else 'ended' end,
    coalesce('user:' || (select auth.uid())::text, case when tg_op = 'INSERT' then new.created_by end, session_user::text),
    case when tg_op = 'UPDATE' then pg_catalog.to_jsonb(old) end,
    pg_catalog.to_jsonb(new)
  );
  return null;
end
$$;
revoke all on function delivery.audit_override_change() from public, anon, authenticated, service_role, looker_reader;
