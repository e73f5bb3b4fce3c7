-- What the worker needs to (re)start a job: the ad account, the Meta audience id (null: create it),
-- the session and where to resume, and the encrypted ads token (decrypted only in the worker).
create or replace function revenue.start_audience_upload(job bigint)
returns table (
    company_id uuid, ad_account_id text, name text, audience_id text, session_id bigint, total int,
    batch_size int, batches int, next_batch int, status text, key_id text, ciphertext bytea
)
language plpgsql
set search_path = ''
as $$
begin
  update revenue.audience_jobs j set
    status = 'uploading', started_at = coalesce(j.started_at, app.now()), attempts = j.attempts + 1
  where j.id = job and j.status in ('queued', 'retrying', 'uploading');
  return query
  select j.company_id, s.ad_account_id, j.name, j.audience_id, j.session_id, j.total, j.batch_size, j.batches,
         j.confirmed_batches + 1, j.status, x.key_id, x.ciphertext
  from revenue.audience_jobs j
  left join revenue.settings s on s.company_id = j.company_id
  left join app.secrets x on x.company_id = j.company_id and x.kind = 'meta_ads_token'
  where j.id = job;
end
$$;
revoke all on function revenue.start_audience_upload(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.start_audience_upload(bigint) to service_role;
