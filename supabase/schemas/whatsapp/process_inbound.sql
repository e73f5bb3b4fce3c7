-- Process (again) one stored WhatsApp request.
create or replace function whatsapp.process_inbound(inbound_pk bigint) returns text
language plpgsql
set search_path = ''
as $$
declare
  i tracking.inbound;
begin
  select * into i from tracking.inbound where id = inbound_pk and source = 'whatsapp' for update;
  if not found then
    raise exception 'WhatsApp inbound % not found', inbound_pk using errcode = 'P0002';
  end if;
  return whatsapp.process_stored(i.company_id, i.id, i.body, i.request_id, i.status);
end
$$;
revoke all on function whatsapp.process_inbound(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.process_inbound(bigint) to service_role;
