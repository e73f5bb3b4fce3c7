-- Events Meta would refuse are not sent (issue 15). One gate before the dispatch queue checks each event
-- against Meta's rules, kept as rows (tracking.meta_event_rules, each citing meta_capi.md); an event that
-- breaks one is stored as 'invalid' with last_error '<rule>: <what to fix>', and the rule's setup
-- diagnosis names the field in pt-BR and English. action_source is chosen by what happened, from rows too
-- (tracking.action_source_rules). The functions that read these tables are in supabase/schemas/.

-- ---- the event state machine gains 'invalid' ------------------------------------------------------
alter table tracking.events drop constraint events_status_check;
alter table tracking.events add constraint events_status_check check (
    status in ('received', 'queued', 'sent', 'retrying', 'dead', 'skipped', 'invalid')
);
alter table tracking.events add column invalid_at timestamptz;
alter table tracking.events add constraint events_invalid_check check (
    status <> 'invalid' or (invalid_at is not null and last_error is not null)
);
comment on column tracking.events.invalid_at is
'When the event was found to break one of Meta''s rules (tracking.meta_event_rules); last_error names it.';

-- ---- ISO 4217: the currencies a value may be in ------------------------------------------------------
create table tracking.currencies (
    code char(3) primary key check (code ~ '^[A-Z]{3}$')
);
comment on table tracking.currencies is 'ISO 4217 currency codes in use (meta_capi.md §2: currency is ISO 4217).';
alter table tracking.currencies enable row level security;
insert into tracking.currencies (code) select unnest(string_to_array(
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD '
    'CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD '
    'GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT '
    'LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR '
    'NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP '
    'STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF '
    'XPF YER ZAR ZMW ZWG', ' '));

-- ---- what to tell the lead when an event breaks a rule (one row per rule) --------------------------
insert into setup.diagnosis_rules (code, severity, message_pt, message_en, field, next_action, retries,
                                   max_attempts, backoff_s) values
('event.customer_information', 'error',
 'Uma venda chegou sem dados do comprador que a Meta aceite (e-mail, telefone, CPF, fbp/fbc ou IP).',
 'A sale arrived without buyer data Meta accepts (e-mail, phone, CPF, fbp/fbc or IP).',
 'customer', 'Ative o envio dos dados do comprador no webhook do gateway; depois use "trackai replay --invalid".',
 false, 1, 5),
('event.purchase_value', 'error',
 'Uma compra chegou sem valor numérico positivo (a Meta exige value em toda Purchase).',
 'A purchase arrived without a positive numeric value (Meta requires value on every Purchase).',
 'sale_amount', 'Confira o preço do produto no gateway (número com ponto decimal, ex.: 197.90).', false, 1, 5),
('event.purchase_currency', 'error',
 'Uma compra chegou com uma moeda que não é um código ISO 4217 (ex.: BRL).',
 'A purchase arrived with a currency that is not an ISO 4217 code (e.g. BRL).',
 'currency', 'Confira a moeda do produto no gateway.', false, 1, 5),
('event.website_source_url', 'error',
 'Um evento de site chegou sem o endereço da página (event_source_url).',
 'A website event arrived without the page address (event_source_url).',
 'landing_url', 'Envie a URL da página no evento, ou confira o endereço da página de vendas.', false, 1, 5),
('event.website_user_agent', 'error',
 'Um evento de site chegou sem o navegador do comprador (client_user_agent).',
 'A website event arrived without the buyer''s browser (client_user_agent).',
 'user_agent', 'Envie o user agent do navegador no evento.', false, 1, 5),
('event.messaging_channel', 'error',
 'Um evento de conversa chegou sem o canal (whatsapp, messenger ou instagram).',
 'A conversation event arrived without its channel (whatsapp, messenger or instagram).',
 'messaging_channel', 'Informe o canal da conversa.', false, 1, 5),
('event.messaging_event_name', 'error',
 'A Meta não aceita este nome de evento para conversas (use Purchase, LeadSubmitted, ...).',
 'Meta does not take this event name for conversations (use Purchase, LeadSubmitted, ...).',
 'event_name', 'Mapeie o evento para um dos nomes aceitos em conversas.', false, 1, 5);

-- ---- Meta's rules, as data ---------------------------------------------------------------------------
-- Checked in `position` order on the event as it would be sent (delivery.build_payload's shape); the
-- first broken rule is the one reported. Age and future times are not here: too old is 'skipped' and a
-- future event_time is clamped to now (tracking.record_event).
create table tracking.meta_event_rules (
    code text primary key check (code ~ '^[a-z_]+$'),
    position int not null unique,
    event_name text,
    action_source text,
    check_kind text not null check (check_kind in (
        'customer_information', 'positive_number', 'known_currency', 'present', 'one_of'
    )),
    path text [],
    allowed text [],
    diagnosis_code text not null references setup.diagnosis_rules (code),
    reference text not null,
    check ((check_kind = 'customer_information') = (path is null)),
    check ((check_kind = 'one_of') = (allowed is not null))
);
comment on table tracking.meta_event_rules is
'Meta''s rules an event must meet before it is queued (null event_name / action_source: every event).';
alter table tracking.meta_event_rules enable row level security;

insert into tracking.meta_event_rules (code, position, event_name, action_source, check_kind, path, allowed,
                                       diagnosis_code, reference) values
('customer_information', 10, null, null, 'customer_information', null, null, 'event.customer_information',
 'meta_capi.md §2-§3: user_data needs at least one customer information parameter, and not only one of the '
 'baseline-invalid sets (ct+country+st+zp+ge+client_user_agent, db+client_user_agent, fn+ge, ln+ge)'),
('purchase_value', 20, 'Purchase', null, 'positive_number', '{custom_data,value}', null, 'event.purchase_value',
 'meta_capi.md §2: custom_data.value is required for purchase events and must represent a monetary amount'),
('purchase_currency', 30, 'Purchase', null, 'known_currency', '{custom_data,currency}', null,
 'event.purchase_currency', 'meta_capi.md §2: custom_data.currency, ISO 4217, is required for purchase events'),
('website_source_url', 40, null, 'website', 'present', '{event_source_url}', null, 'event.website_source_url',
 'meta_capi.md §2: website events require event_source_url (http:// or https://)'),
('website_user_agent', 50, null, 'website', 'present', '{user_data,client_user_agent}', null,
 'event.website_user_agent', 'meta_capi.md §2: website events require client_user_agent'),
('messaging_channel', 60, null, 'business_messaging', 'one_of', '{messaging_channel}',
 '{whatsapp,messenger,instagram}', 'event.messaging_channel',
 'meta_capi.md §2, §6: business_messaging events carry messaging_channel'),
('messaging_event_name', 70, null, 'business_messaging', 'one_of', '{event_name}',
 '{Purchase,LeadSubmitted,InitiateCheckout,AddToCart,ViewContent,OrderCreated,OrderShipped,OrderDelivered,'
 'OrderCanceled,OrderReturned,CartAbandoned,QualifiedLead,RatingProvided,ReviewProvided}',
 'event.messaging_event_name', 'meta_capi.md §6: the event names supported for business messaging');

-- ---- action_source by what happened ----------------------------------------------------------------
create table tracking.action_source_rules (
    position int primary key,
    happened text not null check (happened in ('checkout', 'renewal', 'refund')),
    -- null: either; true: the event's page URL and browser user agent are both known
    browser_known boolean,
    action_source text not null check (action_source in (
        'email', 'website', 'app', 'phone_call', 'chat', 'physical_store', 'system_generated',
        'business_messaging', 'other'
    )),
    reference text not null
);
comment on table tracking.action_source_rules is
'The action_source of a gateway sale''s event, by what happened (first matching row by position).';
alter table tracking.action_source_rules enable row level security;

insert into tracking.action_source_rules (position, happened, browser_known, action_source, reference) values
(10, 'renewal', null, 'system_generated',
 'meta_capi.md §2: system_generated is for conversions no person made at that moment (an automatic renewal charge)'),
(20, 'refund', null, 'system_generated', 'meta_capi.md §2: an event the gateway''s refund triggered, not a person'),
(30, 'checkout', true, 'website',
 'meta_capi.md §2: a purchase a buyer completed in a browser is website; it needs event_source_url and '
 'client_user_agent'),
(40, 'checkout', false, 'other',
 'meta_capi.md §2: a person bought, but the page and browser are unknown: neither website (whose fields are '
 'missing) nor system_generated (no person) fits; other is in Meta''s list');

-- ---- CRM events: system_generated or physical_store, per mapping --------------------------------------
alter table tracking.event_mappings add column action_source text not null default 'system_generated'
check (action_source in ('system_generated', 'physical_store'));
comment on column tracking.event_mappings.action_source is
'What a CRM business event is at Meta: system_generated (default) or physical_store (an in-person sale).';

-- ---- alerts: invalid events, and stored requests whose processing failed -----------------------------
alter table monitoring.alert_rules drop constraint alert_rules_code_check;
alter table monitoring.alert_rules add constraint alert_rules_code_check check (code in (
    'error_rate', 'meta_latency', 'duplicate_rate', 'dead_letters', 'breaker_open', 'token_invalid',
    'destination_paused', 'setup_stuck', 'accuracy', 'invalid_events', 'processing_failed'
));
insert into monitoring.alert_rules
(code, comparator, threshold, clear_threshold, time_window, settle, min_samples, severity, channels, title, unit)
values
('invalid_events', '>', 0, 0, '1 hour', '0 seconds', 0, 'critical', '{slack,email}',
 'Events Meta would refuse: not sent until their data is fixed', 'events'),
('processing_failed', '>', 0, 0, '1 hour', '0 seconds', 0, 'critical', '{slack,email}',
 'Accepted requests whose processing failed: replay them after the fix', 'requests');
