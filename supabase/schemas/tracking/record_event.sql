-- The one way an event is recorded, whatever its source: build user_data, match it to a visitor
-- (visitor id, else hashed e-mail, else hashed phone), take the union of what the visitor adds,
-- dedup on (company, event_id), judge it against Meta's rules (tracking.event_violation), store, and
-- queue it; or skip it when Meta would refuse its age, or keep it 'invalid' with the rule it broke.
-- action_source null means a gateway checkout: website when its page and browser are known
-- (tracking.sale_action_source). A copy of an invalid event is judged again with what it brings (the
-- gateway's corrected postback, a replay after a fix), and goes out if it now passes.
create or replace function tracking.record_event(
    company uuid,
    inbound_pk bigint,
    source text,
    provider_ref text,
    event_name text,
    event_time timestamptz,
    action_source text,
    event_source_url text,
    raw_user jsonb,
    custom_data jsonb,
    visitor text default null,
    browser_event_id text default null,
    request text default null,
    extra jsonb default '{}'::jsonb,
    out event_pk bigint,
    out event_id text,
    out duplicate boolean,
    out status text
)
language plpgsql
set search_path = ''
as $$
declare
  now_ts timestamptz := app.now();
  ud jsonb;
  v tracking.visitors;
  mkey text;
  src_url text := event_source_url;
  act text := action_source;
  ev_time timestamptz := least(coalesce(event_time, now_ts), now_ts);
  dest bigint;
  rejudge boolean := false;
  rule text;
begin
  if browser_event_id is null and provider_ref is null then
    raise exception 'an event needs the provider''s id or the browser''s event_id' using errcode = '22023';
  end if;
  event_id := coalesce(browser_event_id, tracking.derive_event_id(company, source, provider_ref, event_name));
  event_pk := pg_catalog.nextval('tracking.events_id_seq'::regclass);

  -- dedup first: concurrent copies wait on this key, then see the winner's row
  insert into tracking.event_keys (company_id, event_id, event_pk)
  values (company, record_event.event_id, record_event.event_pk)
  on conflict do nothing;
  if not found then
    select k.event_pk into event_pk from tracking.event_keys k
    where k.company_id = company and k.event_id = record_event.event_id;
    select e.status into status from tracking.events e where e.id = record_event.event_pk for update;
    if status is distinct from 'invalid' then
      duplicate := true;
      return;
    end if;
    rejudge := true;
  end if;
  duplicate := false;

  ud := tracking.build_user_data(raw_user, ev_time);

  if visitor is not null then
    select * into v from tracking.visitors vv where vv.company_id = company and vv.visitor_id = visitor;
    if found then mkey := 'visitor_id'; end if;
  end if;
  if mkey is null and ud ? 'em' then
    select * into v from tracking.visitors vv where vv.company_id = company and vv.em = ud ->> 'em'
    order by vv.last_seen_at desc limit 1;
    if found then mkey := 'em'; end if;
  end if;
  if mkey is null and ud ? 'ph' then
    select * into v from tracking.visitors vv where vv.company_id = company and vv.ph = ud ->> 'ph'
    order by vv.last_seen_at desc limit 1;
    if found then mkey := 'ph'; end if;
  end if;
  if mkey is not null then
    -- the event's own values win; the visitor fills the gaps
    ud := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'em', v.em, 'ph', v.ph, 'external_id', v.external_id, 'fbc', v.fbc, 'fbp', v.fbp,
      'client_ip_address', v.client_ip_address, 'client_user_agent', v.client_user_agent)) || ud;
    src_url := coalesce(src_url, v.landing_url);
  end if;

  if act is null then
    -- a checkout: its page is the visitor's landing page, else the offer the company set up
    src_url := coalesce(src_url, (select s.landing_url from setup.sessions s where s.company_id = company
                                  order by s.created_at desc limit 1));
    act := tracking.sale_action_source('checkout', src_url is not null and ud ? 'client_user_agent');
  end if;

  if ev_time < now_ts - interval '7 days' and act <> 'physical_store' then
    status := 'skipped';
  else
    rule := tracking.event_violation(pg_catalog.jsonb_build_object(
      'event_name', event_name, 'action_source', act, 'event_source_url', src_url, 'user_data', ud,
      'custom_data', coalesce(custom_data, '{}'::jsonb), 'messaging_channel', extra -> 'messaging_channel'));
    select d.id into dest from delivery.destinations d where d.company_id = company
    order by d.status = 'active' desc, d.id limit 1;
    -- without a destination the event waits in 'received' (tracking.queue_waiting_events)
    status := case when rule is not null then 'invalid' when dest is null then 'received' else 'queued' end;
  end if;

  if rejudge then
    update tracking.events e set
      destination_id = dest, event_time = ev_time, action_source = act, event_source_url = src_url,
      user_data = ud, custom_data = coalesce(record_event.custom_data, '{}'::jsonb),
      extra = coalesce(record_event.extra, '{}'::jsonb), visitor_id = coalesce(v.visitor_id, visitor),
      match_key = mkey, match_lag = case when mkey is not null then ev_time - v.last_seen_at end,
      match_quality = tracking.estimate_match_quality(ud), request_id = request, status = record_event.status,
      queued_at = case when record_event.status = 'queued' then now_ts end,
      skipped_at = case when record_event.status = 'skipped' then now_ts end,
      skip_reason = case when record_event.status = 'skipped' then 'event_time_older_than_7_days' end,
      invalid_at = case when record_event.status = 'invalid' then now_ts end,
      last_error = case when record_event.status = 'invalid' then tracking.rule_message(rule) end
    where e.id = event_pk;
  else
    insert into tracking.events (
      id, company_id, inbound_id, destination_id, source, provider_ref, event_id, event_name, event_time,
      action_source, event_source_url, user_data, custom_data, extra, visitor_id, match_key, match_lag,
      match_quality, request_id, received_at, status, queued_at, skipped_at, skip_reason, invalid_at, last_error
    ) overriding system value values (
      event_pk, company, inbound_pk, dest, source, provider_ref, record_event.event_id, event_name, ev_time,
      act, src_url, ud, coalesce(custom_data, '{}'::jsonb), coalesce(extra, '{}'::jsonb),
      coalesce(v.visitor_id, visitor), mkey,
      case when mkey is not null then ev_time - v.last_seen_at end,
      tracking.estimate_match_quality(ud), request, now_ts, status,
      case when status = 'queued' then now_ts end,
      case when status = 'skipped' then now_ts end,
      case when status = 'skipped' then 'event_time_older_than_7_days' end,
      case when status = 'invalid' then now_ts end,
      case when status = 'invalid' then tracking.rule_message(rule) end
    );
  end if;
  if status = 'queued' then
    -- in the same transaction as the state: queued <=> on the dispatch queue
    perform pgmq.send('dispatch', pg_catalog.jsonb_build_object('event', event_pk, 'destination', dest));
  end if;
end
$$;
revoke all on function tracking.record_event(uuid,bigint,text,text,text,timestamp with time zone,text,text,jsonb,jsonb,text,text,text,jsonb) from public, anon, authenticated, service_role, looker_reader;
