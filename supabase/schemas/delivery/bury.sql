-- Dead-letter events (already locked by the caller) with a reason; their messages are deleted.
create or replace function delivery.bury(
    event_pks bigint [], msg_ids bigint [], why text, attempt bigint default null, code int default null,
    subcode int default null, message text default null
) returns int
language plpgsql
set search_path = ''
as $$
declare
  n int;
begin
  with dead as (
    update tracking.events e
    set status = 'dead', dead_at = app.now(), last_error = why, next_attempt_at = null
    where e.id = any(event_pks) and e.status in ('queued', 'retrying')
    returning e.id, e.company_id, e.destination_id
  ),
  letters as (
    insert into delivery.dead_letters (company_id, event_pk, destination_id, attempt_id, reason, error_code,
                                       error_subcode, error_message)
    select d.company_id, d.id, d.destination_id, attempt, why, code, subcode, message from dead d
    returning 1
  )
  select count(*) into n from letters;
  if cardinality(msg_ids) > 0 then
    perform pgmq.delete('dispatch', msg_ids);
  end if;
  return n;
end
$$;
revoke all on function delivery.bury(bigint[],bigint[],text,bigint,integer,integer,text) from public, anon, authenticated, service_role, looker_reader;
