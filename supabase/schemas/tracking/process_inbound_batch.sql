-- The ingest worker's batch: each stored request is processed in its own subtransaction (a failure
-- marks that row failed, replayable, and the rest go on); the caller deletes the messages in the
-- same transaction, so a crash before the commit leaves them to be read again.
create or replace function tracking.process_inbound_batch(inbound_ids bigint []) returns table (inbound_id bigint, outcome text)
language sql
set search_path = ''
as $$
  select i.id, tracking.process_inbound(i.id)
  from tracking.inbound i
  where i.id = any(inbound_ids) and i.status = 'received'
  order by i.id
$$;
revoke all on function tracking.process_inbound_batch(bigint[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.process_inbound_batch(bigint[]) to service_role;
