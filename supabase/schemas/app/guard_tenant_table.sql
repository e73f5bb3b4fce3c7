-- Applied to every tenant table by the migration that creates it.
create or replace function app.guard_tenant_table(tbl regclass) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format(
    'create trigger keep_company_id before update of company_id on %s '
    'for each row execute function app.keep_company_id()', tbl);
end
$$;
revoke all on function app.guard_tenant_table(regclass) from public, anon, authenticated, service_role, looker_reader;
