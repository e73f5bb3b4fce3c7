create or replace function tracking.check_event_transition() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = old.status and new.status <> 'retrying' then
    return new;
  end if;
  if (old.status, new.status) not in (
      ('received', 'queued'), ('received', 'skipped'),
      ('queued', 'sent'), ('queued', 'retrying'), ('queued', 'dead'), ('queued', 'skipped'),
      ('retrying', 'queued'), ('retrying', 'retrying'), ('retrying', 'sent'), ('retrying', 'dead'),
      ('dead', 'queued'),
      -- an invalid event judged again (a corrected copy, a replay after a fix)
      ('invalid', 'queued'), ('invalid', 'received'), ('invalid', 'skipped')) then
    raise exception 'event % cannot go from % to %', old.event_id, old.status, new.status
      using errcode = '23514';
  end if;
  return new;
end
$$;
revoke all on function tracking.check_event_transition() from public, anon, authenticated, service_role, looker_reader;
