-- Revenue (issue 8, part 3): remarketing audiences. POST /api/v1/remarketing/jobs turns a segment into
-- a job: its members are frozen (hashed e-mail and phone, as tracking.hash_user_field made them) and the
-- job goes on the pgmq queue 'audiences'. The worker (jobs/audiences.py) creates the Meta Custom
-- Audience once (its id is stored), then uploads batches of at most 10,000 rows in ONE session
-- (session_id fixed at creation), logging a row per batch. After a failure it resumes at the first
-- unconfirmed batch with the same session id. State machine (docs/ARCHITECTURE.md):
--   queued -> uploading -> completed | retrying | failed;  retrying -> uploading

create table revenue.audience_jobs (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 200),
    criteria jsonb not null,
    status text not null default 'queued' check (status in ('queued', 'uploading', 'retrying', 'completed', 'failed')),
    audience_id text,
    session_id bigint not null check (session_id > 0),
    total int not null check (total > 0),
    batch_size int not null default 10000 check (batch_size between 1 and 10000),
    batches int generated always as ((total + batch_size - 1) / batch_size) stored,
    confirmed_batches int not null default 0,
    attempts int not null default 0,
    last_error text,
    requested_by uuid,
    created_at timestamptz not null default app.now(),
    started_at timestamptz,
    retrying_at timestamptz,
    completed_at timestamptz,
    failed_at timestamptz,
    updated_at timestamptz not null default app.now(),
    check (confirmed_batches between 0 and batches),
    check ((status = 'completed') = (completed_at is not null and confirmed_batches = batches)),
    check (status <> 'failed' or (failed_at is not null and last_error is not null)),
    check (status <> 'retrying' or retrying_at is not null)
);
create index audience_jobs_company_idx on revenue.audience_jobs (company_id, created_at desc);
comment on table revenue.audience_jobs is 'Remarketing jobs: a segment uploaded to a Meta Custom Audience, with its progress.';
select app.guard_tenant_table('revenue.audience_jobs');
create trigger touch_updated_at before update on revenue.audience_jobs
for each row execute function app.touch_updated_at();

-- The segment as it was when the job was created: a resumed upload sends exactly the same rows.
create table revenue.audience_members (
    job_id bigint not null references revenue.audience_jobs (id) on delete cascade,
    position int not null,
    company_id uuid not null references app.companies (id) on delete cascade,
    em text,
    ph text,
    primary key (job_id, position),
    check (em is not null or ph is not null)
);
comment on table revenue.audience_members is 'Hashed e-mail / phone of each person of a remarketing job, in upload order.';
select app.guard_tenant_table('revenue.audience_members');

-- One row per batch attempt (confirmed or failed), for the job's log.
create table revenue.audience_batches (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    job_id bigint not null references revenue.audience_jobs (id) on delete cascade,
    batch_seq int not null check (batch_seq >= 1),
    row_count int not null,
    status text not null check (status in ('confirmed', 'failed')),
    num_received int,
    num_invalid_entries int,
    http_status int,
    error text,
    at timestamptz not null default app.now(),
    check ((status = 'failed') = (error is not null))
);
create index audience_batches_job_idx on revenue.audience_batches (job_id, batch_seq);
create unique index audience_batches_confirmed_idx on revenue.audience_batches (job_id, batch_seq)
where status = 'confirmed';
comment on table revenue.audience_batches is 'Every upload of a remarketing batch to Meta and its answer.';
select app.guard_tenant_table('revenue.audience_batches');

-- The people of a segment: hashed e-mail / phone, distinct.
--   {"kind": "leads_without_purchase", "days": N}: leads (visitors whose e-mail or phone we learnt, and
--     Lead events) of the last N days (1-180) who have not bought since;
--   {"kind": "buyers_of_product", "product": "X"}: buyers of product X (its code or name), net of refunds.
create function revenue.segment(company uuid, criteria jsonb) returns table (em text, ph text)
language plpgsql stable
set search_path = ''
as $$
declare
  kind text := criteria ->> 'kind';
  since timestamptz;
begin
  if kind = 'leads_without_purchase' then
    if coalesce(criteria ->> 'days', '') !~ '^[0-9]{1,3}$' or (criteria ->> 'days')::int not between 1 and 180 then
      raise exception 'criteria.days must be a whole number of days from 1 to 180' using errcode = '22023';
    end if;
    since := app.now() - pg_catalog.make_interval(days => (criteria ->> 'days')::int);
    return query
    with leads as (
      select v.em, v.ph, v.visitor_id from tracking.visitors v
      where v.company_id = company and v.first_seen_at >= since and (v.em is not null or v.ph is not null)
      union
      select e.user_data ->> 'em', e.user_data ->> 'ph', e.visitor_id from tracking.events e
      where e.company_id = company and e.event_name = 'Lead' and e.event_time >= since
        and (e.user_data ? 'em' or e.user_data ? 'ph')
    )
    , buyers as materialized (
      select p.em, p.ph, p.lead_visitor_id from revenue.purchases p where p.company_id = company and p.net_amount > 0
    )
    -- three anti-joins rather than one OR: each can be hashed
    select distinct l.em, l.ph from leads l
    where not exists (select 1 from buyers b where b.em = l.em)
      and not exists (select 1 from buyers b where b.ph = l.ph)
      and not exists (select 1 from buyers b where b.lead_visitor_id = l.visitor_id);
  elsif kind = 'buyers_of_product' then
    if coalesce(btrim(criteria ->> 'product'), '') = '' then
      raise exception 'criteria.product (a product code or name) is required' using errcode = '22023';
    end if;
    return query
    select distinct p.em, p.ph from revenue.purchases p
    where p.company_id = company and p.net_amount > 0 and (p.em is not null or p.ph is not null)
      and (p.product_ref = criteria ->> 'product' or p.product_name = criteria ->> 'product');
  else
    raise exception 'criteria.kind must be leads_without_purchase or buyers_of_product' using errcode = '22023';
  end if;
end
$$;

-- Called by the API as the signed-in user: a marketing or backoffice admin of the company. The
-- company may be left out by someone who administers only one.
create function revenue.create_audience_job(company uuid, criteria jsonb, job_name text default null)
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

-- What the worker needs to (re)start a job: the ad account, the Meta audience id (null: create it),
-- the session and where to resume, and the encrypted ads token (decrypted only in the worker).
create function revenue.start_audience_upload(job bigint)
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

create function revenue.record_audience_created(job bigint, meta_audience_id text) returns void
language sql
set search_path = ''
as $$
  update revenue.audience_jobs set audience_id = coalesce(audience_id, meta_audience_id) where id = job
$$;

create function revenue.audience_batch_rows(job bigint, batch_seq int)
returns table (em text, ph text)
language sql stable
set search_path = ''
as $$
  select m.em, m.ph from revenue.audience_members m
  join revenue.audience_jobs j on j.id = m.job_id
  where m.job_id = job and m.position > (batch_seq - 1) * j.batch_size and m.position <= batch_seq * j.batch_size
  order by m.position
$$;

-- The answer to one batch (or to the audience's creation, batch_seq 0 is not logged): a confirmed batch
-- moves the job on (completed after the last); a failure logs it and leaves the job 'retrying' (the queue
-- brings it back) or 'failed' when give_up. Returns the job's status.
create function revenue.record_audience_batch(
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

do $$
begin
  if not exists (select 1 from pgmq.list_queues() where queue_name = 'audiences') then
    perform pgmq.create('audiences');
  end if;
  perform app.wake_workers_on_insert('audiences');
end
$$;

alter table revenue.audience_jobs enable row level security;
alter table revenue.audience_members enable row level security;
alter table revenue.audience_batches enable row level security;

create policy "Members can read their audience jobs" on revenue.audience_jobs
for select to authenticated using (app.has_company_access(company_id));
create policy "Marketing admins can read their audience members" on revenue.audience_members
for select to authenticated using (app.has_company_access(company_id, 'marketing_admin'));
create policy "Members can read their audience batches" on revenue.audience_batches
for select to authenticated using (app.has_company_access(company_id));

grant select on revenue.audience_jobs, revenue.audience_members, revenue.audience_batches to authenticated;
grant all on revenue.audience_jobs, revenue.audience_members, revenue.audience_batches to service_role;

-- the dashboard follows a job's progress live
alter publication supabase_realtime add table revenue.audience_jobs;

revoke execute on all functions in schema revenue from public, anon;
grant execute on function revenue.url_param(text, text) to authenticated, service_role;
grant execute on function revenue.create_audience_job(uuid, jsonb, text) to authenticated, service_role;
grant execute on function
revenue.segment(uuid, jsonb),
revenue.start_audience_upload(bigint),
revenue.record_audience_created(bigint, text),
revenue.audience_batch_rows(bigint, int),
revenue.record_audience_batch(bigint, int, boolean, int, int, int, int, text, boolean)
to service_role;
