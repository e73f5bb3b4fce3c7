create or replace function app.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := app.now();
  return new;
end
$$;
revoke all on function app.touch_updated_at() from public, anon, authenticated, service_role, looker_reader;
