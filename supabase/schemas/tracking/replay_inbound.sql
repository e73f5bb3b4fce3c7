-- Re-process failed inbound requests after a fix (also `trackai replay`).
create or replace function tracking.replay_inbound(inbound_pk bigint) returns text
language plpgsql
set search_path = ''
as $$
declare
  i tracking.inbound;
begin
  select * into i from tracking.inbound where id = inbound_pk;
  if not found then
    raise exception 'inbound % not found', inbound_pk using errcode = 'P0002';
  end if;
  if i.source = 'mercadopago' then
    -- the payment must be fetched again: back on the worker's queue
    perform pgmq.send('mercadopago', pg_catalog.jsonb_build_object('inbound', inbound_pk));
    return 'requeued';
  end if;
  if i.source = 'whatsapp' then
    -- WhatsApp payloads are mirrored by their own schema (a later migration; resolved at run time)
    return whatsapp.process_inbound(inbound_pk);
  end if;
  return tracking.process_inbound(inbound_pk);
end
$$;
revoke all on function tracking.replay_inbound(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.replay_inbound(bigint) to service_role;
