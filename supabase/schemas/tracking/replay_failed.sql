-- Replay every failed inbound request (of one company, or all): returns how many were re-processed.
create or replace function tracking.replay_failed(company uuid default null) returns table (inbound_id bigint, outcome text)
language sql
set search_path = ''
as $$
  select i.id, tracking.replay_inbound(i.id)
  from tracking.inbound i
  -- failed_at: the partial index's predicate (the same rows: a CHECK ties it to status 'failed')
  where i.status = 'failed' and i.failed_at is not null and (company is null or i.company_id = company)
  order by i.id
$$;
revoke all on function tracking.replay_failed(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.replay_failed(uuid) to service_role;
