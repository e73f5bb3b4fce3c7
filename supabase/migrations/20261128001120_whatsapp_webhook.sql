-- WhatsApp webhook (issue 7, part 3): mirror a signed Cloud API notification. whatsapp.ingest_webhook is the
-- one call of POST /webhooks/whatsapp (after the API checked X-Hub-Signature-256): route each entry to its
-- company, store that company's part in tracking.inbound (source 'whatsapp') and mirror it in a
-- subtransaction (whatsapp.process_stored; a failure keeps the row 'failed' for `trackai replay`).

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

-- Mirror a stored request in a subtransaction: a failure keeps the request, marked 'failed' with the
-- error (replayable); flags are recorded on it. prior_status: the row's status before this attempt.
create function whatsapp.process_stored(
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
    perform tracking.mark_inbound(inbound_pk, true, null, flags);
  end if;
  return 'processed';
exception when others then
  perform tracking.mark_inbound(inbound_pk, false, sqlstate || ': ' || sqlerrm);
  return 'failed';
end
$$;

-- Process (again) one stored WhatsApp request.
create function whatsapp.process_inbound(inbound_pk bigint) returns text
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
  waba text;
  phone_number text;
  company uuid;
  part jsonb;
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

  -- the usual notification: one entry (one WABA), stored as it came
  if pg_catalog.jsonb_array_length(b -> 'entry') = 1 then
    waba := b -> 'entry' -> 0 ->> 'id';
    phone_number := b -> 'entry' -> 0 -> 'changes' -> 0 -> 'value' -> 'metadata' ->> 'phone_number_id';
    company := coalesce((select n.company_id from whatsapp.numbers n where n.phone_number_id = phone_number),
                        (select a.company_id from whatsapp.accounts a where a.waba_id = waba));
    if company is null then
      insert into whatsapp.unrouted (request_id, waba_id, phone_number_id, reason, body)
      values (request, waba, phone_number, 'unknown_number', b);
      unrouted := 1;
    else
      inbound_pk := tracking.store_inbound(company, 'whatsapp', request, headers, b);
      outcome := whatsapp.process_stored(company, inbound_pk, b, request, 'processed');
      stored := pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('inbound_id', inbound_pk,
                                                                           'processing', outcome));
    end if;
    return query select 200, pg_catalog.jsonb_build_object('status', 'accepted', 'stored', stored,
                                                            'unrouted', unrouted);
    return;
  end if;

  -- several entries (Meta may batch): each company stores only its own entries
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
    part := pg_catalog.jsonb_build_object('object', b -> 'object', 'entry', r.entries);
    inbound_pk := tracking.store_inbound(r.company, 'whatsapp', request, headers, part);
    outcome := whatsapp.process_stored(r.company, inbound_pk, part, request, 'processed');
    stored := stored || pg_catalog.jsonb_build_object('inbound_id', inbound_pk, 'processing', outcome);
  end loop;
  return query select 200, pg_catalog.jsonb_build_object('status', 'accepted', 'stored', stored,
                                                          'unrouted', unrouted);
end
$$;

revoke execute on all functions in schema whatsapp from public, anon;
grant execute on function
whatsapp.ingest_webhook(text, jsonb, text),
whatsapp.process_inbound(bigint)
to service_role;
