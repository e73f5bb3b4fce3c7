create or replace function revenue.record_audience_created(job bigint, meta_audience_id text) returns void
language sql
set search_path = ''
as $$
  update revenue.audience_jobs set audience_id = coalesce(audience_id, meta_audience_id) where id = job
$$;
revoke all on function revenue.record_audience_created(bigint,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.record_audience_created(bigint,text) to service_role;
