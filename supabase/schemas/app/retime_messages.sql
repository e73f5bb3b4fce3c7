-- pgmq 1.4.4 (hosted Supabase's) has only set_vt(queue, one msg_id, seconds): the array and timestamptz
-- forms delivery.plan and delivery.record_attempt called arrived later. app.retime_messages sets the
-- visibility of many messages to an exact time in one statement, on the queue table pgmq reads from.
create or replace function app.retime_messages(queue_name text, msg_ids bigint [], visible_at timestamptz) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format('update pgmq.%I set vt = $1 where msg_id = any($2)', 'q_' || queue_name)
  using visible_at, msg_ids;
end
$$;
comment on function app.retime_messages(text,bigint[],timestamp with time zone) is 'Make these messages of pgmq queue queue_name visible again at visible_at (pgmq 1.4.4 set_vt takes one id).';
revoke all on function app.retime_messages(text,bigint[],timestamp with time zone) from public, anon, authenticated, service_role, looker_reader;
grant execute on function app.retime_messages(text,bigint[],timestamp with time zone) to service_role;
