-- The company's own id is its company_id: it never changes.
create or replace function app.keep_company_pk() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.id is distinct from old.id then
    raise exception 'a company id cannot be changed' using errcode = '42501';
  end if;
  return new;
end
$$;
revoke all on function app.keep_company_pk() from public, anon, authenticated, service_role, looker_reader;
