-- Called by the API as the signed-in user: a marketing or backoffice admin of the company. The
-- company may be left out by someone who administers only one.
create or replace function revenue.create_audience_job(company uuid, criteria jsonb, job_name text default null)
returns table (job_id bigint, company_id uuid, total int, status text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := revenue.admin_company(company, 'create remarketing audiences');
  n int;
  job revenue.audience_jobs;
begin
  if pg_catalog.jsonb_typeof(criteria) is distinct from 'object' then
    raise exception 'criteria must be a JSON object' using errcode = '22023';
  end if;
  if not exists (select 1 from revenue.settings s where s.company_id = target and s.ad_account_id is not null) then
    raise exception 'no Meta ad account is set for this company (revenue.settings.ad_account_id)'
      using errcode = '22023';
  end if;
  insert into revenue.audience_jobs (company_id, name, criteria, session_id, total, requested_by)
  values (target, coalesce(nullif(btrim(job_name), ''), 'Track AI ' || (criteria ->> 'kind') || ' ' || app.now()::date),
          criteria, 1 + (pg_catalog.random() * 9e15)::bigint, 1, (select auth.uid()))
  returning * into job;
  insert into revenue.audience_members (job_id, position, company_id, em, ph)
  select job.id, (pg_catalog.row_number() over (order by s.em, s.ph))::int, target, s.em, s.ph
  from revenue.segment(target, criteria) s;
  get diagnostics n = row_count;
  if n = 0 then
    raise exception 'nobody matches this segment: no audience was created' using errcode = '22023';
  end if;
  update revenue.audience_jobs j set total = n where j.id = job.id;
  perform pgmq.send('audiences', pg_catalog.jsonb_build_object('job', job.id));
  return query select job.id, target, n, job.status;
end
$$;
revoke all on function revenue.create_audience_job(uuid,jsonb,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.create_audience_job(uuid,jsonb,text) to authenticated, service_role;
