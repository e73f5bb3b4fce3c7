-- Platform pieces every later migration relies on: extensions, queues, the frozen-clock helper.
-- Written to apply unchanged to hosted Supabase (where pgmq and pg_cron are offered as extensions)
-- and to the local stack (where pgmq may already be installed from SQL by the bootstrap).

create schema if not exists extensions;

do $$
begin
  if not exists (select 1 from pg_namespace where nspname = 'pgmq') then
    create extension if not exists pgmq;
  end if;
  -- pg_cron can only live in its own database (cron.database_name); elsewhere jobs are not scheduled
  if current_setting('cron.database_name', true) = current_database() then
    create extension if not exists pg_cron;
  end if;
end
$$;

create schema app;
comment on schema app is 'Track AI core: tenancy, secrets, clock, maintenance.';

grant usage on schema app to authenticated, service_role;

-- One clock for all project SQL: tests freeze it with set_config('trackai.now', ...).
create function app.now() returns timestamptz
language sql stable
as $$
  select coalesce(nullif(pg_catalog.current_setting('trackai.now', true), '')::timestamptz,
                  pg_catalog.now())
$$;
comment on function app.now() is
'The current time, or the frozen time set in trackai.now (tests). Use it instead of now().';
-- pg_cron heartbeat: proves the scheduler really runs (read by /health).
create table app.cron_heartbeat (
    id boolean primary key default true check (id),
    beat_at timestamptz not null
);
alter table app.cron_heartbeat enable row level security;
comment on table app.cron_heartbeat is 'One row, touched by pg_cron every minute.';

create function app.cron_beat() returns void
language sql
set search_path = ''
as $$
  insert into app.cron_heartbeat (id, beat_at) values (true, pg_catalog.now())
  on conflict (id) do update set beat_at = excluded.beat_at
$$;

-- Scheduling goes through one helper so migrations stay valid where pg_cron is absent
-- (databases other than cron.database_name, such as the per-test copies).
create function app.schedule(job_name text, cron_schedule text, command text) returns void
language plpgsql
set search_path = ''
as $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(job_name, cron_schedule, command);
  end if;
end
$$;

select app.schedule('trackai-heartbeat', '* * * * *', 'select app.cron_beat()');

-- Workers LISTEN on "pgmq.q_<queue>.INSERT" (the channel pgmq 1.7+ notifies on) and this statement
-- trigger wakes them: hosted Supabase's pgmq 1.4.4 has no notify of its own. One NOTIFY per insert
-- statement, unthrottled; Postgres folds identical ones within a transaction.
create function app.notify_queue_insert() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify(tg_table_schema || '.' || tg_table_name || '.INSERT', '');
  return null;
end
$$;

create function app.wake_workers_on_insert(queue_name text) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format(
    'create or replace trigger wake_workers after insert on pgmq.%I '
    'for each statement execute function app.notify_queue_insert()', 'q_' || queue_name);
end
$$;
comment on function app.wake_workers_on_insert(text) is
'Makes every insert into queue pgmq.q_<queue_name> NOTIFY "pgmq.q_<queue_name>.INSERT" (pgmq 1.4.4 has no notify).';

-- EXECUTE is granted per RPC, never by default (Postgres grants it to PUBLIC on creation).
revoke execute on all functions in schema app from public, anon;
grant execute on function app.now() to authenticated, service_role;
