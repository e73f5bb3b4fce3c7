-- POST /webhooks/whatsapp, after the API verified X-Hub-Signature-256 with the app secret. One call:
-- route each entry to its company, store that company's part of the payload (tracking.inbound,
-- source 'whatsapp') and mirror it in a subtransaction; unrouted entries go to whatsapp.unrouted.
-- Always 200 for a signed payload (Meta retries anything else for 7 days).
create or replace function whatsapp.ingest_webhook(body text, headers jsonb, request text)
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
revoke all on function whatsapp.ingest_webhook(text,jsonb,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.ingest_webhook(text,jsonb,text) to service_role;
