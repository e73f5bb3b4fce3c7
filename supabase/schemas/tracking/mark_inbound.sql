-- Close stored requests: processed (with flags added) or failed with the error, a batch at a time.
create or replace function tracking.mark_inbound(inbound_ids bigint [], ok boolean, err text default null,
                                      add_flags text [] default '{}') returns void
language sql
set search_path = ''
as $$
  update tracking.inbound set
    status = case when ok then 'processed' else 'failed' end,
    processed_at = case when ok then app.now() end,
    failed_at = case when ok then null else app.now() end,
    error = case when ok then null else err end,
    flags = case when add_flags = '{}' then flags else
      (select pg_catalog.array_agg(distinct f) from pg_catalog.unnest(flags || add_flags) f) end,
    attempts = attempts + 1
  where id = any(inbound_ids)
$$;
revoke all on function tracking.mark_inbound(bigint[],boolean,text,text[]) from public, anon, authenticated, service_role, looker_reader;
