-- The conversion pipeline's core: inbound requests (stored before anything else), rejected requests,
-- visitors and touchpoints, sales, the dedup keys, events with their state machine, and the one
-- function every source uses to record an event: tracking.record_event.

-- Every accepted request, committed before the 2xx. Processing failures never lose it:
-- status 'failed' keeps the error and tracking.replay_inbound() re-processes it.
create table tracking.inbound (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    source text not null check (source in ('perfectpay', 'mercadopago', 'collector', 'api', 'crm', 'whatsapp')),
    request_id text not null,
    received_at timestamptz not null default app.now(),
    headers jsonb not null default '{}'::jsonb,
    body jsonb not null,
    status text not null default 'received' check (status in ('received', 'processed', 'failed')),
    flags text [] not null default '{}',
    attempts int not null default 0,
    processed_at timestamptz,
    failed_at timestamptz,
    error text,
    check ((status = 'processed') = (processed_at is not null)),
    check ((status = 'failed') = (failed_at is not null and error is not null))
);
create index inbound_company_received_idx on tracking.inbound (company_id, received_at desc);
create index inbound_failed_idx on tracking.inbound (company_id) where status = 'failed';
create index inbound_request_idx on tracking.inbound (request_id);
comment on table tracking.inbound is 'Raw accepted requests (secrets redacted), durable before the acknowledgement.';
select app.guard_tenant_table('tracking.inbound');

-- Requests we refused (bad key, signature, body): no body is kept, only what explains the refusal.
create table tracking.rejected_requests (
    id bigint generated always as identity primary key,
    company_id uuid references app.companies (id) on delete cascade,
    source text not null,
    request_id text not null,
    http_status int not null check (http_status between 400 and 599),
    error_code text not null,
    message text not null,
    body_bytes int,
    received_at timestamptz not null default app.now()
);
create index rejected_requests_received_idx on tracking.rejected_requests (received_at desc);
select app.guard_tenant_table('tracking.rejected_requests');

-- An anonymous browser on the company's landing page, keyed by the visitor id the snippet creates.
-- Identifiers learnt later (a lead's e-mail or phone) are kept hashed.
create table tracking.visitors (
    company_id uuid not null references app.companies (id) on delete cascade,
    visitor_id text not null check (visitor_id ~ '^[A-Za-z0-9_.-]{8,64}$'),
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,
    fbc text,
    fbp text,
    client_ip_address text,
    client_user_agent text,
    landing_url text,
    em text,
    ph text,
    external_id text,
    primary key (company_id, visitor_id)
);
create index visitors_em_idx on tracking.visitors (company_id, em) where em is not null;
create index visitors_ph_idx on tracking.visitors (company_id, ph) where ph is not null;
select app.guard_tenant_table('tracking.visitors');

-- One visit or click of a visitor.
create table tracking.touchpoints (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    visitor_id text not null,
    occurred_at timestamptz not null,
    event_name text,
    url text,
    referrer text,
    fbclid text,
    fbc text,
    fbp text,
    utm_source text,
    utm_medium text,
    utm_campaign text,
    utm_content text,
    utm_term text,
    foreign key (company_id, visitor_id) references tracking.visitors (company_id, visitor_id) on delete cascade
);
create index touchpoints_visitor_idx on tracking.touchpoints (company_id, visitor_id, occurred_at desc);
select app.guard_tenant_table('tracking.touchpoints');

-- The normalised conversion. State machine (docs/ARCHITECTURE.md):
--   received -> queued -> sent | retrying | dead | skipped;  retrying -> queued | sent | dead;
--   dead -> queued (replay);  received -> skipped.
create table tracking.events (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    inbound_id bigint references tracking.inbound (id) on delete set null,
    destination_id bigint references delivery.destinations (id) on delete set null,
    source text not null,
    provider_ref text,
    event_id text not null,
    event_name text not null check (event_name ~ '^[A-Za-z][A-Za-z0-9_]{1,49}$'),
    event_time timestamptz not null,
    action_source text not null check (action_source in (
        'email', 'website', 'app', 'phone_call', 'chat', 'physical_store', 'system_generated',
        'business_messaging', 'other'
    )),
    event_source_url text,
    user_data jsonb not null,
    custom_data jsonb not null default '{}'::jsonb,
    extra jsonb not null default '{}'::jsonb,
    visitor_id text,
    match_key text check (match_key in ('visitor_id', 'em', 'ph', 'external_id')),
    match_lag interval,
    match_quality numeric(3, 1) not null check (match_quality between 0 and 10),
    request_id text,
    status text not null default 'received' check (
        status in ('received', 'queued', 'sent', 'retrying', 'dead', 'skipped')
    ),
    skip_reason text,
    attempts int not null default 0,
    next_attempt_at timestamptz,
    last_error text,
    received_at timestamptz not null default app.now(),
    queued_at timestamptz,
    sent_at timestamptz,
    retrying_at timestamptz,
    dead_at timestamptz,
    skipped_at timestamptz,
    check (status <> 'queued' or queued_at is not null),
    check (status <> 'sent' or sent_at is not null),
    check (status <> 'retrying' or (retrying_at is not null and next_attempt_at is not null)),
    check (status <> 'dead' or (dead_at is not null and last_error is not null)),
    check (status <> 'skipped' or (skipped_at is not null and skip_reason is not null))
);
create index events_company_received_idx on tracking.events (company_id, received_at desc);
create index events_event_id_idx on tracking.events (company_id, event_id);
create index events_status_idx on tracking.events (status, company_id) where status <> 'sent';
create index events_inbound_idx on tracking.events (inbound_id);
create index events_provider_idx on tracking.events (company_id, provider_ref) where provider_ref is not null;
comment on table tracking.events is 'Normalised conversions bound for Meta, with their delivery state.';
select app.guard_tenant_table('tracking.events');

create function tracking.check_event_transition() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = old.status and new.status <> 'retrying' then
    return new;
  end if;
  if (old.status, new.status) not in (
      ('received', 'queued'), ('received', 'skipped'),
      ('queued', 'sent'), ('queued', 'retrying'), ('queued', 'dead'), ('queued', 'skipped'),
      ('retrying', 'queued'), ('retrying', 'retrying'), ('retrying', 'sent'), ('retrying', 'dead'),
      ('dead', 'queued')) then
    raise exception 'event % cannot go from % to %', old.event_id, old.status, new.status
      using errcode = '23514';
  end if;
  return new;
end
$$;
create trigger check_event_transition before update of status on tracking.events
for each row execute function tracking.check_event_transition();

-- Dedup: one row per (company, event_id) for at least the dedup window (8 days; Meta's own window is
-- 48 h browser/server and none server/server, so ours is strict). Expired by pg_cron.
create table tracking.event_keys (
    company_id uuid not null references app.companies (id) on delete cascade,
    event_id text not null,
    event_pk bigint not null,
    created_at timestamptz not null default app.now(),
    primary key (company_id, event_id)
);
create index event_keys_created_idx on tracking.event_keys (created_at);
select app.guard_tenant_table('tracking.event_keys');

-- A payment fact from a gateway (or a WhatsApp close), with its revenue effects.
create table tracking.sales (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    gateway text not null,
    provider_ref text not null,
    status text not null,
    sale_effect text not null,
    amount numeric(14, 2),
    currency char(3) not null default 'BRL',
    refunded_amount numeric(14, 2) not null default 0,
    product_ref text,
    product_name text,
    visitor_id text,
    em text,
    ph text,
    purchase_event_pk bigint references tracking.events (id) on delete set null,
    first_seen_at timestamptz not null default app.now(),
    approved_at timestamptz,
    refunded_at timestamptz,
    charged_back_at timestamptz,
    updated_at timestamptz not null default app.now(),
    unique (company_id, gateway, provider_ref)
);
select app.guard_tenant_table('tracking.sales');

-- X-Idempotency-Key of the direct API: same key and body -> same answer; other body -> 422.
create table tracking.idempotency_keys (
    company_id uuid not null references app.companies (id) on delete cascade,
    key text not null check (length(key) between 1 and 200),
    request_sha256 text not null,
    http_status int,
    response jsonb,
    created_at timestamptz not null default app.now(),
    primary key (company_id, key)
);
select app.guard_tenant_table('tracking.idempotency_keys');

-- Estimated match quality, 0-10: an estimate from the keys present, not Meta's EMQ (no public formula;
-- meta_capi.md §7). Weights follow Meta's Help Center priority (high: em, fbc; medium: ph,
-- external_id, fbp, db, country; low: names, city, zip) plus IP+UA together:
--   em 2.5, fbc 2.0, ph 1.5, external_id 1.0, fbp 1.0, client_ip_address + client_user_agent 1.0,
--   ctwa_clid 2.0, fn 0.25, ln 0.25, db 0.25, ge 0.1, ct 0.1, st 0.1, zp 0.1, country 0.2; capped at 10.
create function tracking.estimate_match_quality(user_data jsonb) returns numeric
language sql immutable parallel safe
as $$
  select least(10, round((
      case when user_data ? 'em' then 2.5 else 0 end
    + case when user_data ? 'fbc' then 2.0 else 0 end
    + case when user_data ? 'ph' then 1.5 else 0 end
    + case when user_data ? 'external_id' then 1.0 else 0 end
    + case when user_data ? 'fbp' then 1.0 else 0 end
    + case when user_data ? 'client_ip_address' and user_data ? 'client_user_agent' then 1.0 else 0 end
    + case when user_data ? 'ctwa_clid' then 2.0 else 0 end
    + case when user_data ? 'fn' then 0.25 else 0 end
    + case when user_data ? 'ln' then 0.25 else 0 end
    + case when user_data ? 'db' then 0.25 else 0 end
    + case when user_data ? 'ge' then 0.1 else 0 end
    + case when user_data ? 'ct' then 0.1 else 0 end
    + case when user_data ? 'st' then 0.1 else 0 end
    + case when user_data ? 'zp' then 0.1 else 0 end
    + case when user_data ? 'country' then 0.2 else 0 end
  )::numeric, 1))
$$;

-- Raw customer fields -> Meta user_data: hashed fields hashed per Meta's rules, the others validated
-- and kept as they are. fbc is built from a click's fbclid when no valid fbc cookie came along.
create function tracking.build_user_data(raw jsonb, seen_at timestamptz) returns jsonb
language sql stable parallel safe
as $$
  select pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'em', tracking.hash_user_field('em', raw ->> 'em'),
    'ph', tracking.hash_user_field('ph', raw ->> 'ph'),
    'fn', tracking.hash_user_field('fn', raw ->> 'fn'),
    'ln', tracking.hash_user_field('ln', raw ->> 'ln'),
    'ge', tracking.hash_user_field('ge', raw ->> 'ge'),
    'db', tracking.hash_user_field('db', raw ->> 'db'),
    'ct', tracking.hash_user_field('ct', raw ->> 'ct'),
    'st', tracking.hash_user_field('st', raw ->> 'st'),
    'zp', tracking.hash_user_field('zp', raw ->> 'zp'),
    'country', tracking.hash_user_field('country', raw ->> 'country'),
    'external_id', tracking.hash_user_field('external_id', raw ->> 'external_id'),
    'client_ip_address', tracking.normalize_ip(raw ->> 'client_ip_address'),
    'client_user_agent', nullif(left(btrim(raw ->> 'client_user_agent'), 1000), ''),
    'fbc', case
      when tracking.is_valid_fbc(raw ->> 'fbc') then raw ->> 'fbc'
      else tracking.build_fbc(raw ->> 'fbclid', seen_at)
    end,
    'fbp', case when tracking.is_valid_fbp(raw ->> 'fbp') then raw ->> 'fbp' end,
    'ctwa_clid', nullif(btrim(raw ->> 'ctwa_clid'), ''),
    'whatsapp_business_account_id', nullif(btrim(raw ->> 'whatsapp_business_account_id'), '')
  ))
$$;

-- The event_id of a business fact: sha256 of company, source, the provider's id and the Meta event name.
create function tracking.derive_event_id(company uuid, source text, provider_ref text, event_name text)
returns text
language sql immutable parallel safe
as $$
  select pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
    company::text || ':' || source || ':' || provider_ref || ':' || event_name, 'UTF8')), 'hex')
$$;

-- Put an event on the dispatch queue, in the caller's transaction. Without a destination it waits
-- in 'received' until the company has one (tracking.queue_waiting_events).
create function tracking.queue_event(event_pk bigint) returns text
language plpgsql
set search_path = ''
as $$
declare
  ev record;
  dest bigint;
begin
  select e.id, e.company_id, e.status into ev from tracking.events e where e.id = event_pk for update;
  select d.id into dest from delivery.destinations d where d.company_id = ev.company_id
  order by d.status = 'active' desc, d.id limit 1;
  if dest is null then
    return ev.status;
  end if;
  update tracking.events
  set status = 'queued', queued_at = app.now(), destination_id = dest, next_attempt_at = null
  where id = event_pk;
  perform pgmq.send('dispatch', pg_catalog.jsonb_build_object('event', event_pk, 'destination', dest));
  return 'queued';
end
$$;

-- The one way an event is recorded, whatever its source: build user_data, match it to a visitor
-- (visitor id, else hashed e-mail, else hashed phone), take the union of what the visitor adds,
-- dedup on (company, event_id), store, and queue (or skip when Meta would refuse its age).
create function tracking.record_event(
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
    select e.status into status from tracking.events e where e.id = record_event.event_pk;
    duplicate := true;
    return;
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

  -- website events need a user agent and a source URL (meta_capi.md §2); without them a sale is
  -- reported as system_generated rather than rejected by Meta
  if act = 'website' and (src_url is null or not ud ? 'client_user_agent') then
    act := 'system_generated';
  end if;

  if ev_time < now_ts - interval '7 days' and act <> 'physical_store' then
    status := 'skipped';
  else
    select d.id into dest from delivery.destinations d where d.company_id = company
    order by d.status = 'active' desc, d.id limit 1;
    -- without a destination the event waits in 'received' (tracking.queue_waiting_events)
    status := case when dest is null then 'received' else 'queued' end;
  end if;

  insert into tracking.events (
    id, company_id, inbound_id, destination_id, source, provider_ref, event_id, event_name, event_time,
    action_source, event_source_url, user_data, custom_data, extra, visitor_id, match_key, match_lag,
    match_quality, request_id, received_at, status, queued_at, skipped_at, skip_reason
  ) overriding system value values (
    event_pk, company, inbound_pk, dest, source, provider_ref, record_event.event_id, event_name, ev_time,
    act, src_url, ud, coalesce(custom_data, '{}'::jsonb), coalesce(extra, '{}'::jsonb),
    coalesce(v.visitor_id, visitor), mkey,
    case when mkey is not null then ev_time - v.last_seen_at end,
    tracking.estimate_match_quality(ud), request, now_ts, status,
    case when status = 'queued' then now_ts end,
    case when status = 'skipped' then now_ts end,
    case when status = 'skipped' then 'event_time_older_than_7_days' end
  );
  if status = 'queued' then
    -- in the same transaction as the state: queued <=> on the dispatch queue
    perform pgmq.send('dispatch', pg_catalog.jsonb_build_object('event', event_pk, 'destination', dest));
  end if;
end
$$;

-- Events that waited for a destination go out once the company has one.
create function tracking.queue_waiting_events(company uuid) returns int
language plpgsql
set search_path = ''
as $$
declare
  n int := 0;
  e record;
begin
  for e in select id from tracking.events where company_id = company and status = 'received' loop
    if tracking.queue_event(e.id) = 'queued' then n := n + 1; end if;
  end loop;
  return n;
end
$$;

-- Expire dedup keys older than the window (keeps at least 7 days; 8 gives a day of slack).
create function tracking.expire_event_keys() returns int
language sql
set search_path = ''
as $$
  with gone as (
    delete from tracking.event_keys where created_at < app.now() - interval '8 days' returning 1
  )
  select count(*)::int from gone
$$;
select app.schedule('trackai-expire-event-keys', '17 * * * *', 'select tracking.expire_event_keys()');

-- Remember a browser or lead identity on the visitor (hashed), creating the visitor if needed.
create function tracking.touch_visitor(company uuid, visitor text, seen_at timestamptz, raw jsonb)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into tracking.visitors as vv (
    company_id, visitor_id, first_seen_at, last_seen_at, fbc, fbp, client_ip_address, client_user_agent,
    landing_url, em, ph, external_id
  )
  select company, visitor, seen_at, seen_at, u ->> 'fbc', u ->> 'fbp', u ->> 'client_ip_address',
         u ->> 'client_user_agent', nullif(left(raw ->> 'url', 2000), ''), u ->> 'em', u ->> 'ph',
         u ->> 'external_id'
  from (select tracking.build_user_data(raw, seen_at) as u) b
  on conflict (company_id, visitor_id) do update set
    last_seen_at = greatest(vv.last_seen_at, excluded.last_seen_at),
    fbc = coalesce(excluded.fbc, vv.fbc),
    fbp = coalesce(excluded.fbp, vv.fbp),
    client_ip_address = coalesce(excluded.client_ip_address, vv.client_ip_address),
    client_user_agent = coalesce(excluded.client_user_agent, vv.client_user_agent),
    landing_url = coalesce(vv.landing_url, excluded.landing_url),
    em = coalesce(excluded.em, vv.em),
    ph = coalesce(excluded.ph, vv.ph),
    external_id = coalesce(excluded.external_id, vv.external_id);
end
$$;

do $$
begin
  if not exists (select 1 from pgmq.list_queues() where queue_name = 'dispatch') then
    perform pgmq.create('dispatch');
  end if;
  perform app.wake_workers_on_insert('dispatch');
end
$$;

alter table tracking.inbound enable row level security;
alter table tracking.rejected_requests enable row level security;
alter table tracking.visitors enable row level security;
alter table tracking.touchpoints enable row level security;
alter table tracking.events enable row level security;
alter table tracking.event_keys enable row level security;
alter table tracking.sales enable row level security;
alter table tracking.idempotency_keys enable row level security;

create policy "Members can read their inbound requests" on tracking.inbound
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their rejected requests" on tracking.rejected_requests
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their visitors" on tracking.visitors
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their touchpoints" on tracking.touchpoints
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their events" on tracking.events
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their event keys" on tracking.event_keys
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their sales" on tracking.sales
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their idempotency keys" on tracking.idempotency_keys
for select to authenticated using (app.has_company_access(company_id));

grant select on tracking.inbound, tracking.rejected_requests, tracking.visitors, tracking.touchpoints,
tracking.events, tracking.event_keys, tracking.sales, tracking.idempotency_keys to authenticated;
grant all on all tables in schema tracking to service_role;
