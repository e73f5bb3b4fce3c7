-- WhatsApp webhook (issue 7, part 2): mirror a signed Cloud API notification. whatsapp.ingest_webhook is the
-- one call of POST /webhooks/whatsapp (after the API checked X-Hub-Signature-256): route each entry to its
-- company, store that company's part in tracking.inbound (source 'whatsapp') and mirror it in a
-- subtransaction (whatsapp.process_inbound; a failure keeps the row 'failed' for whatsapp.replay_failed).

-- One inbound message: dedup on wamid first, then contact, conversation (window, referral), first/last
-- touch and the company's ad-conversation event. Returns false for a redelivered message.
create function whatsapp.apply_inbound_message(
    company uuid, inbound_pk bigint, waba text, phone_number text, m jsonb, profile_name text, request text
) returns boolean
language plpgsql
set search_path = ''
as $$
declare
  ts timestamptz := coalesce(whatsapp.unix_time(m ->> 'timestamp'), app.now());
  wa text := m ->> 'from';
  ref jsonb := case when pg_catalog.jsonb_typeof(m -> 'referral') = 'object' then m -> 'referral' end;
  ref_key text := coalesce(ref ->> 'ctwa_clid', ref ->> 'source_id', ref ->> 'source_url');
  contact_pk bigint;
  msg_pk bigint;
  conv whatsapp.conversations;
  ref_attached boolean := false;
  lead_event text;
begin
  if coalesce(m ->> 'id', '') = '' or coalesce(wa, '') = '' then
    raise exception 'a message without id or from' using errcode = '22023';
  end if;
  -- dedup first: a redelivered message touches nothing else
  insert into whatsapp.messages (company_id, wamid, direction, phone_number_id, wa_id, inbound_id, type,
                                 text_body, content, sent_at, status)
  values (company, m ->> 'id', 'inbound', phone_number, wa, inbound_pk, m ->> 'type',
          case when m ->> 'type' = 'text' then m -> 'text' ->> 'body' end,
          m - 'from' - 'id' - 'timestamp', ts, 'received')
  on conflict (company_id, wamid) do nothing
  returning id into msg_pk;
  if msg_pk is null then
    return false;
  end if;

  -- the contact row lock serialises concurrent messages of one contact (one conversation, not two)
  insert into whatsapp.contacts as c (company_id, wa_id, profile_name, first_seen_at, last_inbound_at)
  values (company, wa, profile_name, ts, ts)
  on conflict (company_id, wa_id) do update set
    profile_name = case when excluded.last_inbound_at >= c.last_inbound_at
                        then coalesce(excluded.profile_name, c.profile_name) else c.profile_name end,
    first_seen_at = least(c.first_seen_at, excluded.first_seen_at),
    last_inbound_at = greatest(c.last_inbound_at, excluded.last_inbound_at),
    updated_at = app.now()
  returning c.id into contact_pk;

  -- the conversation open at the message's time (messages may arrive late, even days late when Meta
  -- retries): the latest one started by then, still in its window and not closed before; else one that
  -- starts within 24 h after it (the message came first and was delivered last)
  select * into conv from whatsapp.conversations c
  where c.contact_id = contact_pk and c.phone_number_id = phone_number and c.started_at <= ts
  order by c.started_at desc limit 1
  for update;
  if conv.id is not null and (ts > conv.window_expires_at or conv.closed_at <= ts) then
    conv := null;
  end if;
  if conv.id is null then
    select * into conv from whatsapp.conversations c
    where c.contact_id = contact_pk and c.phone_number_id = phone_number
      and c.started_at > ts and c.started_at <= ts + interval '24 hours'
    order by c.started_at limit 1
    for update;
  end if;

  if conv.id is null
     or (ref_key is not null and coalesce(conv.ctwa_clid, conv.source_id, conv.source_url) is not null
         and coalesce(conv.ctwa_clid, conv.source_id, conv.source_url) <> ref_key) then
    -- a click on another ad while a window is open ends that conversation there
    if conv.id is not null and conv.started_at <= ts and conv.closed_at is null then
      update whatsapp.conversations set closed_at = ts, close_reason = 'new_referral' where id = conv.id;
    end if;
    insert into whatsapp.conversations as c (
      company_id, contact_id, phone_number_id, waba_id, wa_id, started_at, last_inbound_at, inbound_count,
      ctwa_clid, source_id, source_type, source_url, headline, ad_body, media_type, referral_at, referral_wamid
    ) values (
      company, contact_pk, phone_number, waba, wa, ts, ts, 1, ref ->> 'ctwa_clid', ref ->> 'source_id',
      ref ->> 'source_type', ref ->> 'source_url', ref ->> 'headline', ref ->> 'body', ref ->> 'media_type',
      case when ref is not null then ts end, case when ref is not null then m ->> 'id' end
    ) returning c.* into conv;
    ref_attached := ref is not null;
  else
    ref_attached := ref is not null and conv.referral_at is null;
    update whatsapp.conversations c set
      started_at = least(c.started_at, ts),
      last_inbound_at = greatest(c.last_inbound_at, ts),
      inbound_count = c.inbound_count + 1,
      ctwa_clid = case when ref_attached then ref ->> 'ctwa_clid' else c.ctwa_clid end,
      source_id = case when ref_attached then ref ->> 'source_id' else c.source_id end,
      source_type = case when ref_attached then ref ->> 'source_type' else c.source_type end,
      source_url = case when ref_attached then ref ->> 'source_url' else c.source_url end,
      headline = case when ref_attached then ref ->> 'headline' else c.headline end,
      ad_body = case when ref_attached then ref ->> 'body' else c.ad_body end,
      media_type = case when ref_attached then ref ->> 'media_type' else c.media_type end,
      referral_at = case when ref_attached then ts else c.referral_at end,
      referral_wamid = case when ref_attached then m ->> 'id' else c.referral_wamid end
    where c.id = conv.id;
  end if;
  update whatsapp.messages set contact_id = contact_pk, conversation_id = conv.id where id = msg_pk;

  if ref_attached then
    update whatsapp.contacts c set
      first_touch_at = case when c.first_touch_at is null or ts < c.first_touch_at then ts else c.first_touch_at end,
      first_touch_conversation_id = case when c.first_touch_at is null or ts < c.first_touch_at then conv.id
                                         else c.first_touch_conversation_id end,
      first_touch_ctwa_clid = case when c.first_touch_at is null or ts < c.first_touch_at then ref ->> 'ctwa_clid'
                                   else c.first_touch_ctwa_clid end,
      first_touch_source_id = case when c.first_touch_at is null or ts < c.first_touch_at then ref ->> 'source_id'
                                   else c.first_touch_source_id end,
      last_touch_at = case when c.last_touch_at is null or ts >= c.last_touch_at then ts else c.last_touch_at end,
      last_touch_conversation_id = case when c.last_touch_at is null or ts >= c.last_touch_at then conv.id
                                        else c.last_touch_conversation_id end,
      last_touch_ctwa_clid = case when c.last_touch_at is null or ts >= c.last_touch_at then ref ->> 'ctwa_clid'
                                  else c.last_touch_ctwa_clid end,
      last_touch_source_id = case when c.last_touch_at is null or ts >= c.last_touch_at then ref ->> 'source_id'
                                  else c.last_touch_source_id end
    where c.id = contact_pk;

    -- the company's mapping: e.g. LeadSubmitted for every conversation from an ad (needs the click id)
    select s.ad_conversation_event into lead_event from whatsapp.settings s where s.company_id = company;
    if lead_event is not null and coalesce(ref ->> 'ctwa_clid', '') <> '' then
      perform tracking.record_event(
        company, inbound_pk, 'whatsapp', conv.id::text, lead_event, ts, 'business_messaging', null,
        pg_catalog.jsonb_build_object('ctwa_clid', ref ->> 'ctwa_clid', 'whatsapp_business_account_id', waba),
        '{}'::jsonb, null, null, request, '{"messaging_channel": "whatsapp"}'::jsonb);
    end if;
  end if;
  return true;
end
$$;

-- One status of an outbound message, applied in order whatever the arrival order. A status for a
-- message we never saw creates it (sent by another tool). Returns null for a redelivered status.
create function whatsapp.apply_status(
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

-- The content of one stored webhook request (one company's entries): every change mirrored.
-- Returns the inbound flags (duplicate_delivery, number_added, unhandled_field, ...).
create function whatsapp.process_payload(company uuid, inbound_pk bigint, payload jsonb, request text)
returns text []
language plpgsql
set search_path = ''
as $$
declare
  e jsonb;
  c jsonb;
  v jsonb;
  m jsonb;
  s jsonb;
  waba text;
  phone_number text;
  names jsonb;
  flags text [] := '{}';
  seen int := 0;
  fresh int := 0;
begin
  for e in select x from pg_catalog.jsonb_array_elements(payload -> 'entry') x loop
    waba := e ->> 'id';
    for c in select x from pg_catalog.jsonb_array_elements(coalesce(e -> 'changes', '[]'::jsonb)) x loop
      v := c -> 'value';
      if c ->> 'field' is distinct from 'messages' then
        flags := pg_catalog.array_append(flags, 'unhandled_field');
        continue;
      end if;
      phone_number := v -> 'metadata' ->> 'phone_number_id';
      if not exists (select 1 from whatsapp.numbers n where n.phone_number_id = phone_number) then
        insert into whatsapp.numbers (phone_number_id, company_id, waba_id, display_phone_number, added_by)
        select phone_number, company, waba, v -> 'metadata' ->> 'display_phone_number', 'webhook'
        where exists (select 1 from whatsapp.accounts a where a.waba_id = waba and a.company_id = company)
          and phone_number ~ '^[0-9]{5,25}$'
        on conflict do nothing;
        if not found then
          flags := pg_catalog.array_append(flags, 'unknown_phone_number');
          continue;
        end if;
        flags := pg_catalog.array_append(flags, 'number_added');
      end if;
      -- profile names by wa_id (value.contacts[])
      names := (select pg_catalog.jsonb_object_agg(x ->> 'wa_id', x -> 'profile' ->> 'name')
                from pg_catalog.jsonb_array_elements(coalesce(v -> 'contacts', '[]'::jsonb)) x
                where x ->> 'wa_id' is not null);
      for m in select x from pg_catalog.jsonb_array_elements(coalesce(v -> 'messages', '[]'::jsonb)) x loop
        seen := seen + 1;
        if whatsapp.apply_inbound_message(company, inbound_pk, waba, phone_number, m, names ->> (m ->> 'from'),
                                          request) then
          fresh := fresh + 1;
        end if;
      end loop;
      for s in select x from pg_catalog.jsonb_array_elements(coalesce(v -> 'statuses', '[]'::jsonb)) x loop
        seen := seen + 1;
        if s ->> 'status' not in ('sent', 'delivered', 'read', 'played', 'failed') then
          flags := pg_catalog.array_append(flags, 'unknown_status');
        elsif whatsapp.apply_status(company, inbound_pk, phone_number, s) then
          fresh := fresh + 1;
        end if;
      end loop;
      if v ? 'errors' then
        flags := pg_catalog.array_append(flags, 'meta_errors');
      end if;
    end loop;
  end loop;
  if seen > 0 and fresh = 0 then
    flags := pg_catalog.array_append(flags, 'duplicate_delivery');
  end if;
  return flags;
end
$$;

-- Process in a subtransaction: a failure keeps the stored request, marked 'failed' with the error.
create function whatsapp.process_inbound(inbound_pk bigint) returns text
language plpgsql
set search_path = ''
as $$
declare
  i tracking.inbound;
  flags text [];
begin
  select * into i from tracking.inbound where id = inbound_pk and source = 'whatsapp' for update;
  if not found then
    raise exception 'WhatsApp inbound % not found', inbound_pk using errcode = 'P0002';
  end if;
  begin
    flags := whatsapp.process_payload(i.company_id, i.id, i.body, i.request_id);
    if i.status <> 'processed' or flags <> '{}' then
      perform tracking.mark_inbound(i.id, true, null, flags);
    end if;
    return 'processed';
  exception when others then
    perform tracking.mark_inbound(i.id, false, sqlstate || ': ' || sqlerrm);
    return 'failed';
  end;
end
$$;

-- Re-process every failed WhatsApp request (of one company, or all) after a fix.
create function whatsapp.replay_failed(company uuid default null)
returns table (inbound_id bigint, outcome text)
language sql
set search_path = ''
as $$
  select i.id, whatsapp.process_inbound(i.id)
  from tracking.inbound i
  where i.source = 'whatsapp' and i.status = 'failed' and (company is null or i.company_id = company)
  order by i.id
$$;

-- POST /webhooks/whatsapp, after the API verified X-Hub-Signature-256 with the app secret. One call:
-- route each entry to its company, store that company's part of the payload (tracking.inbound,
-- source 'whatsapp') and mirror it in a subtransaction; unrouted entries go to whatsapp.unrouted.
-- Always 200 for a signed payload (Meta retries anything else for 7 days).
create function whatsapp.ingest_webhook(body text, headers jsonb, request text)
returns table (http_status int, response jsonb)
language plpgsql
set search_path = ''
as $$
declare
  b jsonb := body::jsonb;
  r record;
  inbound_pk bigint;
  outcome text;
  stored jsonb := '[]'::jsonb;
  unrouted int := 0;
begin
  if b ->> 'object' is distinct from 'whatsapp_business_account'
     or pg_catalog.jsonb_typeof(b -> 'entry') is distinct from 'array'
     or pg_catalog.jsonb_array_length(b -> 'entry') = 0 then
    insert into whatsapp.unrouted (request_id, reason, body)
    values (request, case when b ->> 'object' is distinct from 'whatsapp_business_account'
                          then 'not_whatsapp_business_account' else 'no_entries' end, b);
    return query select 200, pg_catalog.jsonb_build_object('status', 'accepted', 'stored', '[]'::jsonb,
                                                            'unrouted', 1);
    return;
  end if;

  for r in
    with entries as (
      select e.value as entry, e.ordinality as pos, e.value ->> 'id' as waba,
             (select x.value -> 'value' -> 'metadata' ->> 'phone_number_id'
              from pg_catalog.jsonb_array_elements(
                case when pg_catalog.jsonb_typeof(e.value -> 'changes') = 'array' then e.value -> 'changes'
                     else '[]'::jsonb end) x
              where x.value -> 'value' -> 'metadata' ? 'phone_number_id' limit 1) as phone_number
      from pg_catalog.jsonb_array_elements(b -> 'entry') with ordinality e
    ),
    routed as (
      select en.*, coalesce(
          (select n.company_id from whatsapp.numbers n where n.phone_number_id = en.phone_number),
          (select a.company_id from whatsapp.accounts a where a.waba_id = en.waba)) as company
      from entries en
    )
    select rt.company, pg_catalog.jsonb_agg(rt.entry order by rt.pos) as entries,
           (pg_catalog.array_agg(rt.waba order by rt.pos)) [1] as waba,
           (pg_catalog.array_agg(rt.phone_number order by rt.pos)) [1] as phone_number
    from routed rt
    group by rt.company
    order by min(rt.pos)
  loop
    if r.company is null then
      insert into whatsapp.unrouted (request_id, waba_id, phone_number_id, reason, body)
      values (request, r.waba, r.phone_number, 'unknown_number',
              pg_catalog.jsonb_build_object('object', b -> 'object', 'entry', r.entries));
      unrouted := unrouted + 1;
      continue;
    end if;
    inbound_pk := tracking.store_inbound(r.company, 'whatsapp', request, headers,
                                         pg_catalog.jsonb_build_object('object', b -> 'object', 'entry', r.entries));
    outcome := whatsapp.process_inbound(inbound_pk);
    stored := stored || pg_catalog.jsonb_build_object('inbound_id', inbound_pk, 'processing', outcome);
  end loop;
  return query select 200, pg_catalog.jsonb_build_object('status', 'accepted', 'stored', stored,
                                                          'unrouted', unrouted);
end
$$;

revoke execute on all functions in schema whatsapp from public, anon;
grant execute on function
whatsapp.ingest_webhook(text, jsonb, text),
whatsapp.process_inbound(bigint),
whatsapp.replay_failed(uuid)
to service_role;
