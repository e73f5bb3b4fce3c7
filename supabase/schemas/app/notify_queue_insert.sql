-- Workers LISTEN on "pgmq.q_<queue>.INSERT" (the channel pgmq 1.7+ notifies on) and this statement
-- trigger wakes them: hosted Supabase's pgmq 1.4.4 has no notify of its own. One NOTIFY per insert
-- statement, unthrottled; Postgres folds identical ones within a transaction.
create or replace function app.notify_queue_insert() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify(tg_table_schema || '.' || tg_table_name || '.INSERT', '');
  return null;
end
$$;
revoke all on function app.notify_queue_insert() from public, anon, authenticated, service_role, looker_reader;
