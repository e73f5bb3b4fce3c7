-- Register a database login as a monitoring reader: company null = every company (like looker_reader),
-- else that company only (a tenant's own Looker Studio). Create the role with its password first. It may
-- read every view of the reporting schema (what Looker Studio reads) and nothing else.
create or replace function monitoring.add_reader(reader name, company uuid default null) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_roles r where r.rolname = reader) then
    raise exception 'role % does not exist: create it (login, password) first', reader using errcode = '42704';
  end if;
  insert into monitoring.readers (role_name, company_id) values (reader, company)
  on conflict (role_name) do update set company_id = excluded.company_id;
  execute pg_catalog.format('grant usage on schema monitoring, reporting to %I', reader);
  execute pg_catalog.format('grant select on all tables in schema reporting to %I', reader);
  execute pg_catalog.format(
    'grant execute on function reporting.rows_of(anyelement), monitoring.day_of(timestamptz), '
    'monitoring.sees_all(name), monitoring.reader_companies(name), monitoring.member_of(uuid), '
    'monitoring.queue_metrics() to %I', reader);
end
$$;
revoke all on function monitoring.add_reader(name,uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.add_reader(name,uuid) to service_role;
