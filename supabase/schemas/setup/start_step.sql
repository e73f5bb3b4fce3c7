-- A worker takes a step. Null when there is nothing to do (already done, or a stale duplicate
-- message); a step left 'running' by a worker that died is taken again when its message comes back.
create or replace function setup.start_step(step bigint)
returns table (
    step_id bigint, name text, attempt int, session_id uuid, company_id uuid, session jsonb,
    results jsonb, secrets jsonb
)
language plpgsql
set search_path = ''
as $$
declare
  st setup.steps;
begin
  update setup.steps x set status = 'running', attempts = x.attempts + 1, started_at = app.now(),
    next_attempt_at = null, updated_at = app.now()
  where x.id = step and x.status in ('queued', 'retrying', 'running')
  returning * into st;
  if not found then
    return;
  end if;
  return query
  select st.id, st.name, st.attempts, s.id, s.company_id,
    pg_catalog.to_jsonb(s) - 'created_by',
    (select coalesce(pg_catalog.jsonb_object_agg(d.name, d.result), '{}') from setup.steps d
     where d.session_id = s.id and d.status = 'succeeded'),
    (select coalesce(pg_catalog.jsonb_object_agg(a.kind, pg_catalog.jsonb_build_object(
       'key_id', a.key_id, 'ciphertext', pg_catalog.encode(a.ciphertext, 'base64'))), '{}')
     from app.secrets a where a.company_id = s.company_id)
  from setup.sessions s where s.id = st.session_id;
end
$$;
revoke all on function setup.start_step(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.start_step(bigint) to service_role;
