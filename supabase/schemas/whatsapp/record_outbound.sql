-- An outbound message sent by our tools (ticket panel, copilot) through the Cloud API: mirrored with
-- its type and text. A message first known from its statuses (stub, no type) is completed; statuses
-- already applied are kept. Returns the message id.
create or replace function whatsapp.record_outbound(
    company uuid, phone_number text, wa text, message_wamid text, message_type text, body_text text
) returns bigint
language plpgsql
set search_path = ''
as $$
declare
  msg_pk bigint;
begin
  insert into whatsapp.messages as m (company_id, wamid, direction, phone_number_id, wa_id, contact_id,
                                      conversation_id, type, text_body, status)
  select company, message_wamid, 'outbound', phone_number, wa, ct.id,
         (select c.id from whatsapp.conversations c
          where c.contact_id = ct.id and c.phone_number_id = phone_number
          order by c.started_at desc limit 1),
         message_type, case when message_type = 'text' then body_text end, 'accepted'
  from (select 1) one
  left join whatsapp.contacts ct on ct.company_id = company and ct.wa_id = wa
  on conflict (company_id, wamid) do update set
    type = coalesce(m.type, excluded.type),
    text_body = coalesce(m.text_body, excluded.text_body),
    contact_id = coalesce(m.contact_id, excluded.contact_id),
    conversation_id = coalesce(m.conversation_id, excluded.conversation_id)
  where m.direction = 'outbound'
  returning m.id into msg_pk;
  if msg_pk is null then
    raise exception 'message % is an inbound message', message_wamid using errcode = '23505';
  end if;
  return msg_pk;
end
$$;
revoke all on function whatsapp.record_outbound(uuid,text,text,text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.record_outbound(uuid,text,text,text,text,text) to service_role;
