-- Bring the session's status in line with its steps, stamping every status it reaches (also those
-- it skips past). Reaching event_received ends the company's test mode: later events are live.
create or replace function setup.refresh(session uuid) returns text
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
  target text;
  r int;
  t timestamptz := app.now();
begin
  select * into s from setup.sessions where id = session for update;
  target := setup.derived_status(session);
  if target is not distinct from s.status then
    return target;
  end if;
  r := coalesce(setup.status_rank(target), 0);
  update setup.sessions set
    status = target,
    provisioning_at = case when r >= 2 then coalesce(provisioning_at, t) else provisioning_at end,
    awaiting_event_at = case when r >= 3 then coalesce(awaiting_event_at, t) else awaiting_event_at end,
    event_received_at = case when r >= 4 then coalesce(event_received_at, t) else event_received_at end,
    needs_attention_at = case when target = 'needs_attention' then t else needs_attention_at end
  where id = session;
  if r >= 4 and s.event_received_at is null then
    update app.companies set test_event_code = null where id = s.company_id;
  end if;
  return target;
end
$$;
revoke all on function setup.refresh(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.refresh(uuid) to service_role;
