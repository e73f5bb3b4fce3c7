-- Numbered, content-addressed renders: the same inputs (same hash) give the existing version.
create or replace function setup.record_render(
    company uuid, render_kind text, render_inputs jsonb, render_body text, render_sha256 text, render_author text
) returns table (version int, sha256 text, created boolean)
language plpgsql
set search_path = ''
as $$
declare
  v int;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('setup.renders:' || company || render_kind));
  select r.version into v from setup.renders r
  where r.company_id = company and r.kind = render_kind and r.sha256 = render_sha256;
  if found then
    return query select v, render_sha256, false;
    return;
  end if;
  select coalesce(max(r.version), 0) + 1 into v from setup.renders r
  where r.company_id = company and r.kind = render_kind;
  insert into setup.renders (company_id, kind, version, sha256, inputs, body, author)
  values (company, render_kind, v, render_sha256, render_inputs, render_body, render_author);
  return query select v, render_sha256, true;
end
$$;
revoke all on function setup.record_render(uuid,text,jsonb,text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.record_render(uuid,text,jsonb,text,text,text) to service_role;
