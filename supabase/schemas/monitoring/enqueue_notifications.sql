-- Opening or resolving an alert puts its notifications in the outbox and on the 'notify' queue.
create or replace function monitoring.enqueue_notifications() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  what text;
  chans text [];
  made bigint [];
begin
  if tg_op = 'INSERT' then
    what := 'opened';
  elsif new.status = 'resolved' and old.status = 'firing' then
    what := 'resolved';
  else
    return null;
  end if;
  select r.channels into chans from monitoring.alert_rules r where r.id = new.rule_id;
  with inserted as (
    insert into monitoring.notifications (alert_id, company_id, kind, channel)
    select new.id, new.company_id, what, ch
    from unnest(coalesce(chans, '{slack}'::text [])) ch
    on conflict (alert_id, kind, channel) do nothing
    returning id
  )
  select pg_catalog.array_agg(i.id) into made from inserted i;
  if made is not null then
    perform pgmq.send_batch('notify', array(
      select pg_catalog.jsonb_build_object('notification', x) from unnest(made) x));
  end if;
  return null;
end
$$;
revoke all on function monitoring.enqueue_notifications() from public, anon, authenticated, service_role, looker_reader;
