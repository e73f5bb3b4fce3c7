-- Run a source's processing inside a subtransaction: failure keeps the inbound row, marked failed.
create or replace function tracking.process_inbound(inbound_pk bigint, payment jsonb default null) returns text
language plpgsql
set search_path = ''
as $$
declare
  src text;
  was text;
  flags text [];
begin
  select i.source, i.status into src, was from tracking.inbound i where i.id = inbound_pk for update;
  begin
    flags := case src
      when 'perfectpay' then tracking.process_perfectpay(inbound_pk)
      when 'mercadopago' then tracking.process_mercadopago(inbound_pk, payment)
    end;
    if flags is null then
      raise exception 'source % has no processor', src;
    end if;
    if was <> 'processed' or flags <> '{}' then
      perform tracking.mark_inbound(inbound_pk, true, null, flags);
    end if;
    return 'processed';
  exception when others then
    perform tracking.mark_inbound(inbound_pk, false, sqlstate || ': ' || sqlerrm);
    return 'failed';
  end;
end
$$;
revoke all on function tracking.process_inbound(bigint,jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.process_inbound(bigint,jsonb) to service_role;
