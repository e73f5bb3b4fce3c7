-- Forward moves may skip statuses (steps overlap); needs_attention is reachable from and to every
-- status; going back happens only inside setup.reopen (a correction or a re-validation).
create or replace function setup.guard_transition() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = old.status or new.status = 'needs_attention' or old.status = 'needs_attention'
     or setup.status_rank(new.status) > setup.status_rank(old.status)
     or pg_catalog.current_setting('setup.reopening', true) = 'on' then
    new.updated_at := app.now();
    return new;
  end if;
  raise exception 'a setup session cannot go from % back to %', old.status, new.status
    using errcode = 'check_violation';
end
$$;
revoke all on function setup.guard_transition() from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.guard_transition() to service_role;
