-- One inbound message: contact (its row lock serialises the messages of one contact), dedup on wamid,
-- conversation (window, referral), the message, first/last touch and the company's ad-conversation event.
-- Returns false for a redelivered message, which changes nothing.
create or replace function whatsapp.apply_inbound_message(
    company uuid, inbound_pk bigint, waba text, phone_number text, m jsonb, profile_name text, request text
) returns boolean
language plpgsql
set search_path = ''
as $$
declare
  ts timestamptz := coalesce(whatsapp.unix_time(m ->> 'timestamp'), app.now());
  wa text := m ->> 'from';
  msg_wamid text := m ->> 'id';
  ref jsonb := case when pg_catalog.jsonb_typeof(m -> 'referral') = 'object' then m -> 'referral' end;
  ref_key text := coalesce(ref ->> 'ctwa_clid', ref ->> 'source_id', ref ->> 'source_url');
  contact_pk bigint;
  conv whatsapp.conversations;
  ref_attached boolean := false;
  lead_event text;
begin
  if coalesce(msg_wamid, '') = '' or coalesce(wa, '') = '' then
    raise exception 'a message without id or from' using errcode = '22023';
  end if;
  -- ON CONFLICT DO UPDATE locks the row even when its WHERE leaves it unchanged: a concurrent copy of
  -- this message waits here until the first one commits, then finds it below
  insert into whatsapp.contacts as c (company_id, wa_id, profile_name, first_seen_at, last_inbound_at)
  values (company, wa, profile_name, ts, ts)
  on conflict (company_id, wa_id) do update set
    profile_name = case when excluded.last_inbound_at >= c.last_inbound_at
                        then coalesce(excluded.profile_name, c.profile_name) else c.profile_name end,
    first_seen_at = least(c.first_seen_at, excluded.first_seen_at),
    last_inbound_at = greatest(c.last_inbound_at, excluded.last_inbound_at),
    updated_at = app.now()
  where excluded.last_inbound_at > c.last_inbound_at or excluded.first_seen_at < c.first_seen_at
     or (excluded.last_inbound_at = c.last_inbound_at and excluded.profile_name is distinct from c.profile_name
         and excluded.profile_name is not null)
  returning c.id into contact_pk;
  if contact_pk is null then
    select c.id into contact_pk from whatsapp.contacts c where c.company_id = company and c.wa_id = wa;
  end if;
  if exists (select 1 from whatsapp.messages x where x.company_id = company and x.wamid = msg_wamid) then
    return false;
  end if;

  -- the conversation open at the message's time (messages may arrive late, even days late when Meta
  -- retries): the latest one started by then, still in its window and not closed before; else one that
  -- starts within 24 h after it (the message came first and was delivered last)
  select * into conv from whatsapp.conversations c
  where c.contact_id = contact_pk and c.phone_number_id = phone_number and c.started_at <= ts
  order by c.started_at desc limit 1;
  if conv.id is not null and (ts > conv.window_expires_at or conv.closed_at <= ts) then
    conv := null;
  end if;
  if conv.id is null then
    select * into conv from whatsapp.conversations c
    where c.contact_id = contact_pk and c.phone_number_id = phone_number
      and c.started_at > ts and c.started_at <= ts + interval '24 hours'
    order by c.started_at limit 1;
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
  insert into whatsapp.messages (company_id, wamid, direction, phone_number_id, wa_id, contact_id, conversation_id,
                                 inbound_id, type, text_body, content, sent_at, status)
  values (company, msg_wamid, 'inbound', phone_number, wa, contact_pk, conv.id, inbound_pk, m ->> 'type',
          case when m ->> 'type' = 'text' then m -> 'text' ->> 'body' end,
          m - 'from' - 'id' - 'timestamp', ts, 'received');

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
revoke all on function whatsapp.apply_inbound_message(uuid,bigint,text,text,jsonb,text,text) from public, anon, authenticated, service_role, looker_reader;
