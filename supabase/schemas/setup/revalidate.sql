-- Re-run the failed steps (or, with all_steps, every step) of a session.
create or replace function setup.revalidate(session uuid, all_steps boolean default false) returns text []
language sql
set search_path = ''
as $$
  select setup.reopen(session, array(
    select st.name from setup.steps st
    where st.session_id = session and (all_steps or st.status in ('failed', 'retrying'))))
$$;
revoke all on function setup.revalidate(uuid,boolean) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.revalidate(uuid,boolean) to service_role;
