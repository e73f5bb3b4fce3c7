-- POST /api/v1/whatsapp/sales (server-to-server API key). A sale closed in a conversation becomes one
-- business-messaging event (default Purchase) with the conversation's ctwa_clid and WABA id, through
-- tracking.record_event. event_id = sha256(company : whatsapp : conversation:sale_ref : event name), and
-- (company, sale_ref, event_name) is unique: the same sale posted twice sends once.
-- Attribution: the conversation's own ad click, else the contact's last-touch click, either only within
-- the company's click window (whatsapp.settings.ctwa_window_days, 7 days without a row: Meta attributes
-- within its attribution windows, so an older ctwa_clid is noise), counted from the click (the time of
-- the message that carried the referral) to the sale; without one the sale is refused (422): Meta
-- rejects a business-messaging event that carries no ctwa_clid.
create or replace function whatsapp.ingest_sale(key_sha256 text, body text, idempotency_key text, request text)
returns table (http_status int, response jsonb)
language plpgsql
set search_path = ''
as $$
declare
  company uuid := tracking.api_key_company(key_sha256);
  b jsonb := body::jsonb;
  ref text := coalesce(nullif(btrim(b ->> 'sale_ref'), ''), nullif(btrim(idempotency_key), ''));
  ev_name text := coalesce(nullif(btrim(b ->> 'event_name'), ''), 'Purchase');
  cur text := pg_catalog.upper(coalesce(nullif(btrim(b ->> 'currency'), ''), 'BRL'));
  amount numeric;
  conv whatsapp.conversations;
  ct whatsapp.contacts;
  clid text;
  waba text;
  attribution text := 'conversation';
  window_days int;
  body_hash text;
  existing whatsapp.sales;
  inbound_pk bigint;
  ev record;
  sale_pk bigint;
  problem text;
begin
  if company is null then
    return query select 401, tracking.reject(null, 'whatsapp', request, 401, 'invalid_api_key',
      'missing, unknown or revoked API key', length(body));
    return;
  end if;
  if b ? 'value' and pg_catalog.jsonb_typeof(b -> 'value') = 'number' and (b ->> 'value')::numeric >= 0 then
    amount := pg_catalog.round((b ->> 'value')::numeric, 2);
  end if;
  problem := case
    when not whatsapp.is_messaging_event(ev_name) then
      'event_name ' || ev_name || ' is not a Meta business-messaging event; use one of Purchase, LeadSubmitted, '
      || 'InitiateCheckout, AddToCart, ViewContent, OrderCreated, OrderShipped, OrderDelivered, OrderCanceled, '
      || 'OrderReturned, CartAbandoned, QualifiedLead, RatingProvided, ReviewProvided'
    when ref is null or length(ref) > 200 then
      'sale_ref (or an X-Idempotency-Key header) of 1 to 200 characters is required: it makes a repeated post send once'
    when b ? 'value' and amount is null then 'value must be a number >= 0'
    when ev_name = 'Purchase' and amount is null then 'value is required for a Purchase'
    when cur !~ '^[A-Z]{3}$' then 'currency must be an ISO 4217 code such as BRL'
    when not b ? 'conversation_id' and coalesce(btrim(b ->> 'wa_id'), '') = '' then
      'conversation_id or wa_id is required'
    when b ? 'conversation_id' and coalesce(b ->> 'conversation_id', '') !~ '^[0-9]{1,18}$' then
      'conversation_id must be an integer'
  end;
  if problem is not null then
    return query select 422, tracking.reject(company, 'whatsapp', request, 422, 'invalid_fields', problem,
                                             length(body));
    return;
  end if;

  if b ? 'conversation_id' then
    select * into conv from whatsapp.conversations c
    where c.company_id = company and c.id = (b ->> 'conversation_id')::bigint;
  else
    select c.* into conv from whatsapp.conversations c
    join whatsapp.contacts k on k.id = c.contact_id
    where k.company_id = company and k.wa_id = b ->> 'wa_id'
      and (b ->> 'phone_number_id' is null or c.phone_number_id = b ->> 'phone_number_id')
    order by c.started_at desc limit 1;
  end if;
  if conv.id is null then
    return query select 404, tracking.reject(company, 'whatsapp', request, 404, 'conversation_not_found',
      'no WhatsApp conversation of this company matches ' || case when b ? 'conversation_id'
        then 'conversation_id ' || (b ->> 'conversation_id') else 'wa_id ' || (b ->> 'wa_id') end, length(body));
    return;
  end if;

  body_hash := pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
    conv.id || ':' || coalesce(amount::text, '') || ':' || cur, 'UTF8')), 'hex');
  select * into existing from whatsapp.sales s
  where s.company_id = company and s.sale_ref = ref and s.event_name = ev_name;
  if existing.id is null then
    -- a repeat is answered as one below whatever its click's age; a new sale needs a click in the window
    window_days := coalesce((select s.ctwa_window_days from whatsapp.settings s where s.company_id = company), 7);
    if conv.referral_at >= app.now() - pg_catalog.make_interval(days => window_days) then
      clid := nullif(conv.ctwa_clid, '');
    end if;
    waba := conv.waba_id;
    if clid is null then
      select * into ct from whatsapp.contacts k where k.id = conv.contact_id;
      if nullif(ct.last_touch_ctwa_clid, '') is not null
         and ct.last_touch_at >= app.now() - pg_catalog.make_interval(days => window_days) then
        clid := ct.last_touch_ctwa_clid;
        attribution := 'contact_last_touch';
        select c.waba_id into waba from whatsapp.conversations c where c.id = ct.last_touch_conversation_id;
        waba := coalesce(waba, conv.waba_id);
      end if;
    end if;
    if clid is null then
      return query select 422, tracking.reject(company, 'whatsapp', request, 422, 'no_ad_referral',
        'conversation ' || conv.id || case
          when nullif(conv.ctwa_clid, '') is not null then
            '''s click-to-WhatsApp ad click (ctwa_clid) was on '
            || pg_catalog.to_char(conv.referral_at at time zone 'UTC', 'YYYY-MM-DD') || ' UTC, more than '
            || window_days || case when window_days = 1 then ' day' else ' days' end
            || ' ago (the company''s click window, whatsapp.settings.ctwa_window_days), and its contact has no '
            || 'later click within it: Meta attributes only within its attribution window'
          else ' did not come from a click-to-WhatsApp ad (no ctwa_clid, nor one for this contact in the last '
            || window_days || case when window_days = 1 then ' day)' else ' days)' end
        end || '; Meta rejects business-messaging events without a ctwa_clid, so nothing was sent',
        length(body));
      return;
    end if;
    inbound_pk := tracking.store_inbound(company, 'whatsapp', request, '{"endpoint": "sales"}'::jsonb, b);
    ev := tracking.record_event(
      company, inbound_pk, 'whatsapp', conv.id || ':' || ref, ev_name, app.now(), 'business_messaging', null,
      pg_catalog.jsonb_build_object('ctwa_clid', clid, 'whatsapp_business_account_id', waba),
      pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'value', amount, 'currency', case when amount is not null then cur end)),
      null, null, request, '{"messaging_channel": "whatsapp"}'::jsonb);
    insert into whatsapp.sales (company_id, conversation_id, sale_ref, event_name, value, currency, ctwa_clid,
                                waba_id, attribution, event_pk, inbound_id, request_sha256)
    values (company, conv.id, ref, ev_name, amount, cur, clid, waba, attribution, ev.event_pk, inbound_pk,
            body_hash)
    on conflict (company_id, sale_ref, event_name) do nothing
    returning id into sale_pk;
    if sale_pk is not null then
      if ev_name = 'Purchase' then
        perform tracking.upsert_sale(company, 'whatsapp', conv.id || ':' || ref, 'approved', 'sale', amount, cur,
                                     null, null, null, '{}'::jsonb, app.now(), ev.event_pk);
      end if;
      return query select 201, pg_catalog.jsonb_build_object(
        'status', 'accepted', 'sale_id', sale_pk, 'conversation_id', conv.id, 'event_name', ev_name,
        'event_id', ev.event_id, 'event_status', ev.status, 'attribution', attribution, 'duplicate', false);
      return;
    end if;
    -- a concurrent copy won: answer as for a repeat
    select * into existing from whatsapp.sales s
    where s.company_id = company and s.sale_ref = ref and s.event_name = ev_name;
  end if;
  if existing.request_sha256 <> body_hash then
    return query select 409, tracking.reject(company, 'whatsapp', request, 409, 'sale_ref_reused',
      'sale_ref ' || ref || ' was already recorded for ' || ev_name || ' with another conversation, value or currency',
      length(body));
    return;
  end if;
  return query select 200, pg_catalog.jsonb_build_object(
    'status', 'duplicate', 'sale_id', existing.id, 'conversation_id', existing.conversation_id,
    'event_name', ev_name, 'attribution', existing.attribution, 'duplicate', true,
    'event_id', (select e.event_id from tracking.events e where e.id = existing.event_pk),
    'event_status', (select e.status from tracking.events e where e.id = existing.event_pk));
end
$$;
revoke all on function whatsapp.ingest_sale(text,text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.ingest_sale(text,text,text,text) to service_role;
