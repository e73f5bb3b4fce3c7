create or replace function app.wake_workers_on_insert(queue_name text) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format(
    'create or replace trigger wake_workers after insert on pgmq.%I '
    'for each statement execute function app.notify_queue_insert()', 'q_' || queue_name);
end
$$;
comment on function app.wake_workers_on_insert(text) is 'Makes every insert into queue pgmq.q_<queue_name> NOTIFY "pgmq.q_<queue_name>.INSERT" (pgmq 1.4.4 has no notify).';
revoke all on function app.wake_workers_on_insert(text) from public, anon, authenticated, service_role, looker_reader;
