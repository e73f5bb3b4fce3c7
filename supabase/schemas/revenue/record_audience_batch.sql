-- The answer to one batch (or to the audience's creation, batch_seq 0 is not logged): a confirmed batch
-- moves the job on (completed after the last); a failure logs it and leaves the job 'retrying' (the queue
-- brings it back) or 'failed' when give_up. Returns the job's status.
create or replace function revenue.record_audience_batch(
    job bigint, batch_seq int, ok boolean, n_rows int, num_received int, num_invalid int, http_status int,
    err text, give_up boolean default false
) returns text
language plpgsql
set search_path = ''
as $$
declare
  j revenue.audience_jobs;
  new_status text;
begin
  select * into j from revenue.audience_jobs x where x.id = job for update;
  if ok and batch_seq <> j.confirmed_batches + 1 then
    raise exception 'batch % of job % is not the next one (% confirmed)', batch_seq, job, j.confirmed_batches
      using errcode = '22023';
  end if;
  if batch_seq >= 1 then
    insert into revenue.audience_batches (company_id, job_id, batch_seq, row_count, status, num_received,
                                          num_invalid_entries, http_status, error)
    values (j.company_id, job, batch_seq, n_rows, case when ok then 'confirmed' else 'failed' end, num_received,
            num_invalid, http_status, case when not ok then coalesce(err, 'failed') end);
  end if;
  update revenue.audience_jobs x set
    confirmed_batches = case when ok then batch_seq else x.confirmed_batches end,
    status = case when ok and batch_seq = x.batches then 'completed' when ok then 'uploading'
                  when give_up then 'failed' else 'retrying' end,
    completed_at = case when ok and batch_seq = x.batches then app.now() end,
    retrying_at = case when not ok and not give_up then app.now() else x.retrying_at end,
    failed_at = case when not ok and give_up then app.now() end,
    last_error = case when not ok then coalesce(err, 'failed') else x.last_error end
  where x.id = job
  returning x.status into new_status;
  return new_status;
end
$$;
revoke all on function revenue.record_audience_batch(bigint,integer,boolean,integer,integer,integer,integer,text,boolean) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.record_audience_batch(bigint,integer,boolean,integer,integer,integer,integer,text,boolean) to service_role;
