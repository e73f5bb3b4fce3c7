-- The ingest worker's batch, processed as a set: every request's sale through one
-- tracking.record_sales call, then every row closed by one update. A request missing what identifies
-- its sale (its adapter's problem names the field) is marked failed; one with a field that will fail
-- goes on, for the gate to judge its event (invalid, replayable after the fix). If any request fails, the
-- batch is rolled back to its start and each request goes alone (tracking.process_inbound: a failure
-- marks that row failed, replayable, and the rest go on). The caller deletes the messages in the same
-- transaction, so a crash before the commit leaves them to be read again.
create or replace function tracking.process_inbound_batch(inbound_ids bigint []) returns table (inbound_id bigint, outcome text)
language plpgsql
set search_path = ''
-- planned once per session: planning these statements costs more than running them for a few rows
set plan_cache_mode = 'force_generic_plan'
as $$
declare
  todo bigint [];
  sales tracking.sale_input [];
  done bigint [];
  flag_lists text [];
begin
  todo := array(select i.id from tracking.inbound as i where i.id = any(inbound_ids) and i.status = 'received'
                order by i.id for update);
  begin
    sales := array(select s from tracking.inbound as i cross join lateral tracking.adapt(i) as s
                   where i.id = any(todo) order by i.id);
    select pg_catalog.array_agg(r.inbound_id), pg_catalog.array_agg(pg_catalog.array_to_string(r.flags, ','))
    into done, flag_lists
    from tracking.record_sales(array(select s from pg_catalog.unnest(sales) as s where not tracking.unidentified(s))) as r;
    perform tracking.mark_inbound(pg_catalog.array_agg(d.id), true, null, pg_catalog.string_to_array(d.f, ','))
    from rows from (pg_catalog.unnest(done), pg_catalog.unnest(flag_lists)) as d (id, f)
    group by d.f;
    perform tracking.mark_inbound(array[s.inbound_id], false, 'refused (422): ' || (s.problem ->> 'message'))
    from pg_catalog.unnest(sales) as s where tracking.unidentified(s);
  exception when others then
    return query select t.id, tracking.process_inbound(t.id) from pg_catalog.unnest(todo) as t (id) order by t.id;
    return;
  end;
  return query
  select s.inbound_id, case when tracking.unidentified(s) then 'failed' else 'processed' end
  from pg_catalog.unnest(sales) as s order by s.inbound_id;
end
$$;
revoke all on function tracking.process_inbound_batch(bigint[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.process_inbound_batch(bigint[]) to service_role;
