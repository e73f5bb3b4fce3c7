-- One stored gateway request, processed in a subtransaction: a failure keeps the row, marked failed
-- with the error (replayable). `payment`: what the Mercado Pago worker fetched for its notification,
-- kept in the stored body for its adapter.
create or replace function tracking.process_inbound(inbound_pk bigint, payment jsonb default null) returns text
language plpgsql
set search_path = ''
as $$
declare
  i tracking.inbound;
  sale tracking.sale_input;
  flags text [];
begin
  perform from tracking.inbound as x where x.id = inbound_pk for update;
  begin
    if payment is not null then
      update tracking.inbound as x set body = x.body || pg_catalog.jsonb_build_object('payment', payment)
      where x.id = inbound_pk;
    end if;
    select * into i from tracking.inbound as x where x.id = inbound_pk;
    sale := tracking.adapt(i);
    if tracking.unidentified(sale) then
      raise exception 'refused (422): %', sale.problem ->> 'message' using errcode = '22023';
    end if;
    select r.flags into flags from tracking.record_sales(array[sale]) as r;
    if i.status <> 'processed' or flags <> '{}' then
      perform tracking.mark_inbound(array[inbound_pk], true, null, flags);
    end if;
    return 'processed';
  exception when others then
    perform tracking.mark_inbound(array[inbound_pk], false, sqlstate || ': ' || sqlerrm);
    return 'failed';
  end;
end
$$;
revoke all on function tracking.process_inbound(bigint,jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.process_inbound(bigint,jsonb) to service_role;
