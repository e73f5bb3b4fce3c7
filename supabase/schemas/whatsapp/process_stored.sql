-- Mirror a stored request in a subtransaction: a failure keeps the request, marked 'failed' with the
-- error (replayable); flags are recorded on it. prior_status: the row's status before this attempt.
create or replace function whatsapp.process_stored(
    company uuid, inbound_pk bigint, payload jsonb, request text, prior_status text
) returns text
language plpgsql
set search_path = ''
as $$
declare
  flags text [];
begin
  flags := whatsapp.process_payload(company, inbound_pk, payload, request);
  if prior_status <> 'processed' or flags <> '{}' then
    perform tracking.mark_inbound(array[inbound_pk], true, null, flags);
  end if;
  return 'processed';
exception when others then
  perform tracking.mark_inbound(array[inbound_pk], false, sqlstate || ': ' || sqlerrm);
  return 'failed';
end
$$;
revoke all on function whatsapp.process_stored(uuid,bigint,jsonb,text,text) from public, anon, authenticated, service_role, looker_reader;
