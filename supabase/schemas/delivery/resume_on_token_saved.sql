-- A Conversions API token saved again (insert or new ciphertext) resumes the company's paused
-- destinations. `trackai secrets rotate` re-wraps tokens under trackai.secret_rotation = on: no resume.
create or replace function delivery.resume_on_token_saved() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  d bigint;
begin
  if coalesce(pg_catalog.current_setting('trackai.secret_rotation', true), '') = 'on' then
    return null;
  end if;
  for d in select x.id from delivery.destinations x where x.company_id = new.company_id and x.status = 'paused' loop
    perform delivery.resume_destination(d);
  end loop;
  return null;
end
$$;
revoke all on function delivery.resume_on_token_saved() from public, anon, authenticated, service_role, looker_reader;
