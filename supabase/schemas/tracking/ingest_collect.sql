-- POST /collect, one browser event: the batch of one (tracking.ingest_collect_batch has the rules).
create or replace function tracking.ingest_collect(
    key text, origin text, body text, client_ip text, user_agent text, request text
) returns table (http_status int, response jsonb)
language sql
set search_path = ''
as $$
  select b.http_status, b.response
  from tracking.ingest_collect_batch(array[key], array[origin], array[body], array[client_ip], array[user_agent],
                                     array[request]) as b
$$;
revoke all on function tracking.ingest_collect(text,text,text,text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.ingest_collect(text,text,text,text,text,text) to service_role;
