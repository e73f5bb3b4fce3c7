-- Scheduling goes through one helper so migrations stay valid where pg_cron is absent
-- (databases other than cron.database_name, such as the per-test copies).
create or replace function app.schedule(job_name text, cron_schedule text, command text) returns void
language plpgsql
set search_path = ''
as $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(job_name, cron_schedule, command);
  end if;
end
$$;
revoke all on function app.schedule(text,text,text) from public, anon, authenticated, service_role, looker_reader;
