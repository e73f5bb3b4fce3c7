-- Two steps of one session finishing at once each ran setup.advance before the other had committed,
-- so neither saw both done and the step that waited for both stayed pending. Advancing now takes the
-- session's row lock first: the second one waits, then reads the first one's committed outcome.
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
