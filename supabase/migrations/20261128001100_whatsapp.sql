-- WhatsApp click-to-ad conversions (issue 7): the Cloud API webhook mirrored into contacts,
-- conversations, messages and their statuses; the ad referral (ctwa_clid) kept on the conversation and
-- first/last touch on the contact; the 24-hour customer-service window computed in SQL; sales closed in
-- a conversation sent to Meta as business-messaging events through tracking.record_event (same dispatch,
-- retry, dead letters and history as every other event).
--
-- Routing: Meta signs with the APP secret (one app, one callback URL, one verify token: the API checks
-- both from settings before calling SQL). A payload is routed per entry: by the business phone number
-- (value.metadata.phone_number_id, whatsapp.numbers), else by the WABA (entry.id, whatsapp.accounts);
-- a new number of a connected WABA is registered on sight. What nobody connected is stored in
-- whatsapp.unrouted and answered 200: Meta retries any non-200 for 7 days, and retrying cannot help.
--
-- This file: schema, tables, RLS, the open-windows view. The webhook's functions are in
-- *_whatsapp_mirror.sql and *_whatsapp_webhook.sql, the sales API and outbound messages in
-- *_whatsapp_sales.sql.

create schema whatsapp;
comment on schema whatsapp is
'WhatsApp Cloud API: numbers, contacts, conversations with their ad referral, messages, statuses, sales.';
grant usage on schema whatsapp to authenticated, service_role;

-- Meta's business-messaging event names (meta_capi.md §6; LeadSubmitted, not Lead).
create function whatsapp.is_messaging_event(event_name text) returns boolean
language sql immutable parallel safe
as $$
  select event_name in (
    'Purchase', 'LeadSubmitted', 'InitiateCheckout', 'AddToCart', 'ViewContent', 'OrderCreated',
    'OrderShipped', 'OrderDelivered', 'OrderCanceled', 'OrderReturned', 'CartAbandoned', 'QualifiedLead',
    'RatingProvided', 'ReviewProvided')
$$;

-- End of the customer-service window opened by an inbound message (gateways.md §3.5). Adding hours to
-- a timestamptz does not depend on the session time zone (only day/month steps do), so this is
-- immutable and can define a generated column.
create function whatsapp.window_end(last_inbound timestamptz) returns timestamptz
language sql immutable parallel safe
as $$
  select last_inbound + interval '24 hours'
$$;

-- Outbound status order: sent < delivered < read < played; failed is terminal and only replaces a
-- message not yet delivered (a delivered or read message has proved it arrived). Never regresses.
create function whatsapp.next_status(current_status text, incoming text) returns text
language sql immutable parallel safe
as $$
  select case
    when current_status is null or current_status = 'accepted' then incoming
    when current_status = 'failed' then 'failed'
    when incoming = 'failed' then case when current_status = 'sent' then 'failed' else current_status end
    when (case incoming when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'played' then 4 end)
         > (case current_status when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'played' then 4
                                else 0 end)
      then incoming
    else current_status
  end
$$;

-- Unix seconds as Meta sends them (a string); null when absent or malformed.
create function whatsapp.unix_time(value text) returns timestamptz
language sql immutable parallel safe
as $$
  select case when value ~ '^[0-9]{1,12}$' then pg_catalog.to_timestamp(value::bigint) end
$$;

-- A WhatsApp Business Account connected by a company (Embedded Signup / setup). One company per WABA.
create table whatsapp.accounts (
    waba_id text primary key check (waba_id ~ '^[0-9]{5,25}$'),
    company_id uuid not null references app.companies (id) on delete cascade,
    name text,
    created_at timestamptz not null default app.now(),
    unique (waba_id, company_id)
);
create index accounts_company_idx on whatsapp.accounts (company_id);
comment on table whatsapp.accounts is 'WABAs a company connected; webhooks are routed by them.';
select app.guard_tenant_table('whatsapp.accounts');

-- A business phone number of a connected WABA. added_by 'webhook': first seen in a signed webhook of a
-- connected WABA and registered then.
create table whatsapp.numbers (
    phone_number_id text primary key check (phone_number_id ~ '^[0-9]{5,25}$'),
    company_id uuid not null references app.companies (id) on delete cascade,
    waba_id text not null,
    display_phone_number text,
    added_by text not null default 'setup' check (added_by in ('setup', 'webhook')),
    created_at timestamptz not null default app.now(),
    foreign key (waba_id, company_id) references whatsapp.accounts (waba_id, company_id) on delete cascade
);
create index numbers_company_idx on whatsapp.numbers (company_id);
create index numbers_waba_idx on whatsapp.numbers (waba_id, company_id);
comment on table whatsapp.numbers is 'Business phone numbers (value.metadata.phone_number_id) and their company.';
select app.guard_tenant_table('whatsapp.numbers');

-- A WhatsApp user (wa_id) who wrote to one of the company's numbers. First and last touch: the
-- earliest and the latest ad referral (by message time) over all their conversations.
create table whatsapp.contacts (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    wa_id text not null check (length(wa_id) between 1 and 64),
    profile_name text,
    first_seen_at timestamptz not null,
    last_inbound_at timestamptz not null,
    first_touch_at timestamptz,
    first_touch_conversation_id bigint,
    first_touch_ctwa_clid text,
    first_touch_source_id text,
    last_touch_at timestamptz,
    last_touch_conversation_id bigint,
    last_touch_ctwa_clid text,
    last_touch_source_id text,
    updated_at timestamptz not null default app.now(),
    unique (company_id, wa_id),
    check ((first_touch_at is null) = (last_touch_at is null)),
    check (first_touch_at is null or first_touch_at <= last_touch_at)
);
comment on table whatsapp.contacts is 'WhatsApp users per company, with their first- and last-touch ad referral.';
select app.guard_tenant_table('whatsapp.contacts');

-- A conversation: a contact and one business number, from an inbound message that found no open
-- window (or a click on another ad) until its window closes. window_expires_at = last inbound + 24 h.
-- An ad click (referral) sets the ctwa_clid and the ad's fields; a different ad clicked while the
-- window is open closes it (close_reason 'new_referral') and starts a new conversation.
create table whatsapp.conversations (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    contact_id bigint not null references whatsapp.contacts (id) on delete cascade,
    phone_number_id text not null references whatsapp.numbers (phone_number_id) on delete cascade,
    waba_id text not null,
    wa_id text not null,
    started_at timestamptz not null,
    last_inbound_at timestamptz not null,
    window_expires_at timestamptz generated always as (whatsapp.window_end(last_inbound_at)) stored,
    inbound_count int not null default 0,
    ctwa_clid text,
    source_id text,
    source_type text,
    source_url text,
    headline text,
    ad_body text,
    media_type text,
    referral_at timestamptz,
    referral_wamid text,
    closed_at timestamptz,
    close_reason text check (close_reason in ('new_referral')),
    created_at timestamptz not null default app.now(),
    check ((closed_at is null) = (close_reason is null)),
    check ((referral_at is null) = (referral_wamid is null)),
    check (started_at <= last_inbound_at)
);
create index conversations_contact_idx on whatsapp.conversations (contact_id, phone_number_id, started_at desc);
create index conversations_company_idx on whatsapp.conversations (company_id, last_inbound_at desc);
create index conversations_open_idx on whatsapp.conversations (window_expires_at) where closed_at is null;
comment on table whatsapp.conversations is
'Conversations with their ad referral (ctwa_clid, source_id = ad id) and 24-hour service window.';
comment on column whatsapp.conversations.window_expires_at is
'Customer-service window end: last inbound message + 24 h (generated). Open while > app.now().';
comment on column whatsapp.conversations.source_id is 'The ad id (referral.source_id).';
comment on column whatsapp.conversations.ad_body is 'The ad''s primary text (referral.body).';
select app.guard_tenant_table('whatsapp.conversations');

alter table whatsapp.contacts
add foreign key (first_touch_conversation_id) references whatsapp.conversations (id) on delete set null,
add foreign key (last_touch_conversation_id) references whatsapp.conversations (id) on delete set null;

-- Inbound messages ('received') and outbound ones with their delivery state. An outbound message first
-- seen in a status webhook (sent by another tool) has no type until whatsapp.record_outbound names it.
create table whatsapp.messages (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    wamid text not null check (length(wamid) between 1 and 200),
    direction text not null check (direction in ('inbound', 'outbound')),
    phone_number_id text not null,
    wa_id text not null,
    contact_id bigint references whatsapp.contacts (id) on delete cascade,
    conversation_id bigint references whatsapp.conversations (id) on delete set null,
    inbound_id bigint references tracking.inbound (id) on delete set null,
    type text,
    text_body text,
    content jsonb not null default '{}'::jsonb,
    sent_at timestamptz,
    status text not null check (status in ('received', 'accepted', 'sent', 'delivered', 'read', 'played', 'failed')),
    status_at timestamptz,
    delivered_at timestamptz,
    read_at timestamptz,
    played_at timestamptz,
    failed_at timestamptz,
    error jsonb,
    received_at timestamptz not null default app.now(),
    unique (company_id, wamid),
    check ((direction = 'inbound') = (status = 'received')),
    check (status <> 'sent' or sent_at is not null),
    check (status <> 'delivered' or delivered_at is not null),
    check (status <> 'read' or read_at is not null),
    check (status <> 'played' or played_at is not null),
    check (status <> 'failed' or failed_at is not null)
);
create index messages_conversation_idx on whatsapp.messages (conversation_id, sent_at);
create index messages_contact_idx on whatsapp.messages (contact_id);
comment on table whatsapp.messages is
'Inbound and outbound WhatsApp messages; wamid is unique per company, so a redelivery changes nothing.';
select app.guard_tenant_table('whatsapp.messages');

-- Every status Meta reported, as history (one row per message and status). applied: whether it moved
-- the message's current status (false: it arrived after a later one, or after a terminal failure).
create table whatsapp.message_statuses (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    message_id bigint not null references whatsapp.messages (id) on delete cascade,
    wamid text not null,
    status text not null check (status in ('sent', 'delivered', 'read', 'played', 'failed')),
    status_at timestamptz not null,
    recipient_id text,
    conversation jsonb,
    pricing jsonb,
    errors jsonb,
    applied boolean not null,
    inbound_id bigint references tracking.inbound (id) on delete set null,
    received_at timestamptz not null default app.now(),
    unique (message_id, status)
);
create index message_statuses_company_idx on whatsapp.message_statuses (company_id, received_at desc);
comment on table whatsapp.message_statuses is 'Status history of outbound messages, in arrival order.';
select app.guard_tenant_table('whatsapp.message_statuses');

-- Per-company mapping: the Meta event queued when a conversation comes from an ad (null: none).
create table whatsapp.settings (
    company_id uuid primary key references app.companies (id) on delete cascade,
    ad_conversation_event text check (whatsapp.is_messaging_event(ad_conversation_event)),
    updated_at timestamptz not null default app.now()
);
comment on table whatsapp.settings is
'Per company: ad_conversation_event (e.g. LeadSubmitted) is queued for every conversation from an ad.';
select app.guard_tenant_table('whatsapp.settings');
create trigger touch_updated_at before update on whatsapp.settings
for each row execute function app.touch_updated_at();

-- A sale (or another business-messaging event) closed in a conversation, once per
-- (company, sale_ref, event_name): posting it again sends nothing new.
create table whatsapp.sales (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    conversation_id bigint not null references whatsapp.conversations (id) on delete cascade,
    sale_ref text not null check (length(sale_ref) between 1 and 200),
    event_name text not null check (whatsapp.is_messaging_event(event_name)),
    value numeric(14, 2) check (value >= 0),
    currency char(3) not null default 'BRL' check (currency ~ '^[A-Z]{3}$'),
    ctwa_clid text not null,
    waba_id text not null,
    attribution text not null check (attribution in ('conversation', 'contact_last_touch')),
    event_pk bigint references tracking.events (id) on delete set null,
    inbound_id bigint references tracking.inbound (id) on delete set null,
    request_sha256 text not null,
    created_at timestamptz not null default app.now(),
    unique (company_id, sale_ref, event_name)
);
create index sales_conversation_idx on whatsapp.sales (conversation_id);
comment on table whatsapp.sales is 'Sales closed in WhatsApp conversations and the Meta event each queued.';
select app.guard_tenant_table('whatsapp.sales');

-- Signed webhook content no company connected (unknown WABA and number), kept for diagnosis; answered
-- 200 so Meta does not retry it for a week. Service role only (no company to scope it to).
create table whatsapp.unrouted (
    id bigint generated always as identity primary key,
    request_id text not null,
    received_at timestamptz not null default app.now(),
    waba_id text,
    phone_number_id text,
    reason text not null check (reason in ('unknown_number', 'not_whatsapp_business_account', 'no_entries')),
    body jsonb not null
);
create index unrouted_received_idx on whatsapp.unrouted (received_at desc);
comment on table whatsapp.unrouted is 'Webhook entries for WABAs / numbers no company connected (service role only).';

-- Connect a number (setup, sandbox, tests). A WABA belongs to one company.
create function whatsapp.connect_number(
    company uuid, waba text, phone_number text, display_phone_number text default null
) returns void
language plpgsql
set search_path = ''
as $$
declare
  owner uuid;
begin
  insert into whatsapp.accounts (waba_id, company_id) values (waba, company) on conflict do nothing;
  select a.company_id into owner from whatsapp.accounts a where a.waba_id = waba;
  if owner <> company then
    raise exception 'WhatsApp Business Account % is connected to another company', waba
      using errcode = '23505';
  end if;
  insert into whatsapp.numbers (phone_number_id, company_id, waba_id, display_phone_number)
  values (phone_number, company, waba, connect_number.display_phone_number)
  on conflict (phone_number_id) do update
  set display_phone_number = coalesce(excluded.display_phone_number, whatsapp.numbers.display_phone_number)
  where whatsapp.numbers.company_id = excluded.company_id;
  if not found then
    raise exception 'phone number % is connected to another company', phone_number using errcode = '23505';
  end if;
end
$$;

-- Open customer-service windows, as of app.now() (tests freeze it). security_invoker: members see
-- their company's rows only, through the policies of whatsapp.conversations.
create view whatsapp.open_windows with (security_invoker = true) as
select
    c.company_id,
    c.id as conversation_id,
    c.contact_id,
    c.wa_id,
    c.phone_number_id,
    c.last_inbound_at,
    c.window_expires_at,
    c.window_expires_at - app.now() as remaining,
    c.ctwa_clid is not null as from_ad
from whatsapp.conversations as c
where c.closed_at is null and c.window_expires_at > app.now();
comment on view whatsapp.open_windows is
'Conversations whose 24-hour window is open now (app.now()): free-form replies are allowed.';

alter table whatsapp.accounts enable row level security;
alter table whatsapp.numbers enable row level security;
alter table whatsapp.contacts enable row level security;
alter table whatsapp.conversations enable row level security;
alter table whatsapp.messages enable row level security;
alter table whatsapp.message_statuses enable row level security;
alter table whatsapp.settings enable row level security;
alter table whatsapp.sales enable row level security;
alter table whatsapp.unrouted enable row level security;

create policy "Members can read their WhatsApp accounts" on whatsapp.accounts
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their WhatsApp numbers" on whatsapp.numbers
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their WhatsApp contacts" on whatsapp.contacts
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their WhatsApp conversations" on whatsapp.conversations
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their WhatsApp messages" on whatsapp.messages
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their WhatsApp message statuses" on whatsapp.message_statuses
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their WhatsApp settings" on whatsapp.settings
for select to authenticated using (app.has_company_access(company_id));
create policy "Marketing admins can create their WhatsApp settings" on whatsapp.settings
for insert to authenticated with check (app.has_company_access(company_id, 'marketing_admin'));
create policy "Marketing admins can change their WhatsApp settings" on whatsapp.settings
for update to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));
create policy "Members can read their WhatsApp sales" on whatsapp.sales
for select to authenticated using (app.has_company_access(company_id));

grant select on whatsapp.accounts, whatsapp.numbers, whatsapp.contacts, whatsapp.conversations,
whatsapp.messages, whatsapp.message_statuses, whatsapp.settings, whatsapp.sales, whatsapp.open_windows
to authenticated;
grant insert (company_id, ad_conversation_event), update (ad_conversation_event) on whatsapp.settings
to authenticated;
grant all on all tables in schema whatsapp to service_role;

-- the ticket panel follows its conversations live
alter publication supabase_realtime add table whatsapp.conversations;

revoke execute on all functions in schema whatsapp from public, anon;
grant execute on function whatsapp.connect_number(uuid, text, text, text) to service_role;
grant execute on function
whatsapp.is_messaging_event(text),
whatsapp.window_end(timestamptz),
whatsapp.next_status(text, text),
whatsapp.unix_time(text)
to authenticated, service_role;
