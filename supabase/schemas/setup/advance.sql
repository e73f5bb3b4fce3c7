-- Queue every pending step whose dependencies have all succeeded, then refresh the status.
create or replace function setup.advance(session uuid) returns int
language plpgsql
set search_path = ''
as $$
declare
  st record;
  n int := 0;
begin
  perform 1 from setup.sessions s where s.id = session for update;
  for st in
    select x.id from setup.steps x
    join setup.step_kinds k on k.name = x.name
    where x.session_id = session and x.status = 'pending'
      and not exists (
        select 1 from setup.steps d
        where d.session_id = session and d.name = any(k.depends_on) and d.status <> 'succeeded')
    order by k.position
    for update of x
  loop
    update setup.steps set status = 'queued', queued_at = app.now(), updated_at = app.now() where id = st.id;
    perform pgmq.send('setup', pg_catalog.jsonb_build_object('step_id', st.id));
    n := n + 1;
  end loop;
  perform setup.refresh(session);
  return n;
end
$$;
revoke all on function setup.advance(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.advance(uuid) to service_role;
