-- One status of an outbound message, applied in order whatever the arrival order. A status for a
-- message we never saw creates it (sent by another tool). Returns false for a redelivered status.
create or replace function whatsapp.apply_status(
    company uuid, inbound_pk bigint, phone_number text, s jsonb
) returns boolean
language plpgsql
set search_path = ''
as $$
declare
  st text := s ->> 'status';
  ts timestamptz := coalesce(whatsapp.unix_time(s ->> 'timestamp'), app.now());
  msg whatsapp.messages;
  nxt text;
  status_pk bigint;
begin
  if coalesce(s ->> 'id', '') = '' then
    raise exception 'a status without id' using errcode = '22023';
  end if;
  select * into msg from whatsapp.messages m where m.company_id = company and m.wamid = s ->> 'id' for update;
  if not found then
    insert into whatsapp.messages (company_id, wamid, direction, phone_number_id, wa_id, contact_id,
                                   conversation_id, inbound_id, status)
    select company, s ->> 'id', 'outbound', phone_number, coalesce(s ->> 'recipient_id', ''), ct.id,
           (select c.id from whatsapp.conversations c
            where c.contact_id = ct.id and c.phone_number_id = phone_number and c.started_at <= ts
            order by c.started_at desc limit 1),
           inbound_pk, 'accepted'
    from (select 1) one
    left join whatsapp.contacts ct on ct.company_id = company and ct.wa_id = s ->> 'recipient_id'
    on conflict (company_id, wamid) do nothing;
    select * into msg from whatsapp.messages m where m.company_id = company and m.wamid = s ->> 'id' for update;
  end if;
  if msg.direction <> 'outbound' then
    raise exception 'status % for inbound message %', st, msg.wamid using errcode = '22023';
  end if;
  nxt := whatsapp.next_status(msg.status, st);
  insert into whatsapp.message_statuses (company_id, message_id, wamid, status, status_at, recipient_id,
                                         conversation, pricing, errors, applied, inbound_id)
  values (company, msg.id, msg.wamid, st, ts, s ->> 'recipient_id', s -> 'conversation', s -> 'pricing',
          s -> 'errors', nxt <> msg.status, inbound_pk)
  on conflict (message_id, status) do nothing
  returning id into status_pk;
  if status_pk is null then
    return false;
  end if;
  -- each *_at keeps the time Meta gave that status, even when it arrived late and moved nothing
  update whatsapp.messages m set
    status = nxt,
    status_at = case when nxt <> msg.status then ts else m.status_at end,
    sent_at = case when st = 'sent' then coalesce(m.sent_at, ts) else m.sent_at end,
    delivered_at = case when st = 'delivered' then coalesce(m.delivered_at, ts) else m.delivered_at end,
    read_at = case when st = 'read' then coalesce(m.read_at, ts) else m.read_at end,
    played_at = case when st = 'played' then coalesce(m.played_at, ts) else m.played_at end,
    failed_at = case when st = 'failed' and nxt = 'failed' then coalesce(m.failed_at, ts) else m.failed_at end,
    error = case when st = 'failed' and nxt = 'failed' then s -> 'errors' -> 0 else m.error end
  where m.id = msg.id;
  return true;
end
$$;
revoke all on function whatsapp.apply_status(uuid,bigint,text,jsonb) from public, anon, authenticated, service_role, looker_reader;
