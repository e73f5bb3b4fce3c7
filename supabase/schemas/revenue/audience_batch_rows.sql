create or replace function revenue.audience_batch_rows(job bigint, batch_seq int)
returns table (em text, ph text)
language sql stable
set search_path = ''
as $$
  select m.em, m.ph from revenue.audience_members m
  join revenue.audience_jobs j on j.id = m.job_id
  where m.job_id = job and m.position > (batch_seq - 1) * j.batch_size and m.position <= batch_seq * j.batch_size
  order by m.position
$$;
revoke all on function revenue.audience_batch_rows(bigint,integer) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.audience_batch_rows(bigint,integer) to service_role;
