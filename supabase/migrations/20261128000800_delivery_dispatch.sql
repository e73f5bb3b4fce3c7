-- Delivery to Meta, part 1: the tables. Tunables, the one error classification (meta_capi.md §5),
-- attempts (one row per request to Meta), dead letters and their replays, alerts, and the circuit
-- breakers with their overrides and state-change log. Functions come in the 00081x-00083x files.

-- Tunables, one row. Tests shorten the backoff and the breaker's cool-down here.
create table delivery.settings (
    id boolean primary key default true check (id),
    -- delay before retry n (1-based); past the end the last value repeats (1 h, 1 h, ...)
    backoff_s numeric [] not null default '{1,5,30,120,600,3600}' check (cardinality(backoff_s) > 0),
    -- each delay is multiplied by a factor drawn in [1 - jitter, 1 + jitter]
    jitter numeric not null default 0.2 check (jitter >= 0 and jitter < 1),
    -- transient failures of one event before it is dead-lettered
    max_attempts int not null default 25 check (max_attempts between 1 and 1000),
    breaker_window interval not null default '5 minutes',
    breaker_min_attempts int not null default 10 check (breaker_min_attempts >= 1),
    breaker_open_rate numeric not null default 0.5 check (breaker_open_rate > 0 and breaker_open_rate <= 1),
    breaker_close_rate numeric not null default 0.1 check (breaker_close_rate >= 0 and breaker_close_rate < 1),
    breaker_cooldown interval not null default '60 seconds',
    -- a half-open probe that has not reported back by then is presumed lost; another may go
    probe_timeout interval not null default '30 seconds',
    updated_at timestamptz not null default now()
);
comment on table delivery.settings is 'Retry backoff, attempt cap and circuit-breaker thresholds (one row).';
insert into delivery.settings default values;

-- The one classification of Meta's answers, first matching rule (lowest id) wins. A null criterion
-- matches anything. Sources: meta_capi.md §5 ("Graph codes [doc ERR] -> classification"), §1 (timeouts).
--   retry: transient, the event is tried again with backoff
--   dead:  the payload is wrong, the event is dead-lettered with Meta's message (batches are bisected)
--   pause: the tenant's credential or pixel is wrong; its destination pauses, its events stay queued
create table delivery.error_rules (
    id int primary key,
    failure text check (failure in ('timeout', 'network', 'secret')),
    http_min int,
    http_max int,
    code_min int,
    code_max int,
    subcode int,
    transient boolean,
    outcome text not null check (outcome in ('retry', 'dead', 'pause')),
    reason text not null,
    diagnosis text,
    source text not null,
    check ((http_min is null) = (http_max is null)),
    check ((code_min is null) = (code_max is null)),
    check (outcome = 'pause' or diagnosis is null)
);
comment on table delivery.error_rules is
'How a failed request to Meta is handled (meta_capi.md §5). First matching rule by id wins.';

insert into delivery.error_rules
(id, failure, http_min, http_max, code_min, code_max, subcode, transient, outcome, reason, diagnosis, source) values
(10, 'timeout', null, null, null, null, null, null, 'retry', 'meta_timeout', null,
 'meta_capi.md §1 (1.5 s timeout advised) and §5 ("retrying ... a non-client error, such as a timeout")'),
(20, 'network', null, null, null, null, null, null, 'retry', 'meta_unreachable', null,
 'meta_capi.md §5: network error / timeout is retryable'),
(30, 'secret', null, null, null, null, null, null, 'pause', 'token_undecryptable',
 'The saved Conversions API token cannot be decrypted with the keys in TRACKAI_SECRET_KEY (a key was '
 || 'removed before `trackai secrets rotate` ran). Restore the key or save the token again; events are held.',
 'trackai/secrets.py: key id beside the ciphertext'),
(40, null, null, null, 190, 190, null, null, 'pause', 'token_invalid',
 'Meta refused the access token (code 190: invalid, expired, revoked or the password changed). Generate a '
 || 'new token in Events Manager (Settings > Conversions API) and save it: held events go out then.',
 'meta_capi.md §5: 190 (458, 459, 460, 463, 464, 467, 492) permanent, needs human'),
(50, null, null, null, 100, 100, 33, null, 'pause', 'pixel_not_accessible',
 'Meta says the pixel does not exist or this token cannot reach it (100/33). Check the pixel id and that the '
 || 'token''s system user has access to the dataset, then save the token again.',
 'meta_capi.md §5: observed 100/33 "Object with ID ... does not exist, cannot be loaded due to missing permissions"'),
(60, null, null, null, 10, 10, null, null, 'pause', 'permission_denied',
 'Meta denied permission for this pixel (code 10). Grant the token''s system user access to the dataset '
 || 'and save the token again.',
 'meta_capi.md §5: 10 permission denied, needs human'),
(70, null, null, null, 200, 299, null, null, 'pause', 'permission_missing',
 'The token lacks a permission Meta requires (codes 200-299). Regenerate it with ads_management / the '
 || 'dataset permission and save it again.',
 'meta_capi.md §5: 200-299 permission, needs human'),
(80, null, null, null, 102, 102, null, null, 'pause', 'session_invalid',
 'Meta says the session behind the token is invalid (code 102). Generate a new token and save it.',
 'meta_capi.md §5: 102 permanent, needs human'),
(90, null, null, null, 3, 3, null, null, 'pause', 'capability_missing',
 'The Meta app lacks the capability to send server events (code 3). Check the app in Meta''s developer '
 || 'dashboard, then save the token again.',
 'meta_capi.md §5: 3 capability, needs human'),
(100, null, null, null, 104, 104, null, null, 'pause', 'token_missing',
 'Meta received no access token (code 104). Save the Conversions API token for this pixel.',
 'meta_capi.md §5 / fakes: a missing token is answered with 104'),
(110, null, null, null, 1, 1, null, null, 'retry', 'meta_unknown_error', null, 'meta_capi.md §5: 1 API Unknown'),
(120, null, null, null, 2, 2, null, null, 'retry', 'meta_service_error', null, 'meta_capi.md §5: 2 API Service'),
(130, null, null, null, 4, 4, null, null, 'retry', 'throttled_app', null, 'meta_capi.md §5: 4 API Too Many Calls'),
(140, null, null, null, 17, 17, null, null, 'retry', 'throttled_user', null, 'meta_capi.md §5: 17 User Too Many Calls'),
(150, null, null, null, 32, 32, null, null, 'retry', 'throttled_page', null, 'meta_capi.md §5: 32 (Pages)'),
(160, null, null, null, 341, 341, null, null, 'retry', 'application_limit', null,
 'meta_capi.md §5: 341 Application limit reached'),
(170, null, null, null, 368, 368, null, null, 'retry', 'temporarily_blocked', null,
 'meta_capi.md §5: 368 "Temporarily blocked for policies violations - Wait and retry"'),
(180, null, null, null, 613, 613, null, null, 'retry', 'throttled_custom', null,
 'meta_capi.md §5: 613 custom rate limit'),
(190, null, null, null, 80000, 80014, null, null, 'retry', 'throttled_business_use_case', null,
 'meta_capi.md §5: 80000-80014 Business Use Case limits'),
(200, null, null, null, null, null, null, true, 'retry', 'meta_transient', null,
 'meta_capi.md §5: anything with is_transient: true'),
(210, null, null, null, 100, 100, null, null, 'dead', 'invalid_parameter', null,
 'meta_capi.md §5: 100 Invalid parameter incl. all 2804xxx is a permanent payload error'),
(220, null, 500, 599, null, null, null, null, 'retry', 'meta_server_error', null,
 'meta_capi.md §5: HTTP 5xx is retryable'),
(230, null, 429, 429, null, null, null, null, 'retry', 'meta_throttled_http', null,
 'meta_capi.md §5: never expect 429, but a throttle is transient [inferred]'),
(240, null, 400, 499, null, null, null, null, 'dead', 'meta_client_error', null,
 'meta_capi.md §1: invalid payload -> 4xx [doc SUP]; unknown client errors are permanent [inferred]'),
(1000, null, null, null, null, null, null, null, 'retry', 'meta_unexpected_answer', null,
 'anything else (3xx, unreadable answer): retried until the attempt cap [inferred]');

-- One row per request to Meta (or per request we could not make). The conversion history of an
-- event is delivery.event_history.
create table delivery.attempts (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    destination_id bigint references delivery.destinations (id) on delete set null,
    pixel_id text not null,
    request_id text not null,
    event_pks bigint [] not null,
    event_count int not null,
    probe boolean not null default false,
    http_status int,
    failure text check (failure in ('timeout', 'network', 'secret')),
    outcome text not null check (outcome in ('sent', 'retry', 'dead', 'pause', 'bisect')),
    rule_id int references delivery.error_rules (id),
    fbtrace_id text,
    events_received int,
    messages jsonb,
    latency_ms int,
    error_code int,
    error_subcode int,
    error_type text,
    error_message text,
    error_user_title text,
    error_user_msg text,
    is_transient boolean,
    response_headers jsonb not null default '{}'::jsonb,
    attempted_at timestamptz not null default app.now()
);
create index attempts_events_idx on delivery.attempts using gin (event_pks);
create index attempts_destination_at_idx on delivery.attempts (destination_id, attempted_at desc);
create index attempts_at_idx on delivery.attempts (attempted_at desc);
create index attempts_company_at_idx on delivery.attempts (company_id, attempted_at desc);
comment on table delivery.attempts is
'Every request to Meta with its answer (status, fbtrace_id, events_received, error); secrets never stored.';
select app.guard_tenant_table('delivery.attempts');

-- Replays of dead letters (API or CLI): who, when, which filter, how many.
create table delivery.replays (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    requested_by uuid references auth.users (id) on delete set null,
    actor text not null,
    via text not null check (via in ('api', 'cli')),
    filter jsonb not null,
    event_count int not null,
    created_at timestamptz not null default app.now()
);
create index replays_company_idx on delivery.replays (company_id, created_at desc);
select app.guard_tenant_table('delivery.replays');

-- An event that will not be delivered without a human: exhausted retries, a payload Meta refuses,
-- or an event_time past Meta's window. Replaying re-queues the event and stamps the letter.
create table delivery.dead_letters (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    event_pk bigint not null references tracking.events (id) on delete cascade,
    destination_id bigint references delivery.destinations (id) on delete set null,
    attempt_id bigint references delivery.attempts (id) on delete set null,
    reason text not null,
    error_code int,
    error_subcode int,
    error_message text,
    dead_at timestamptz not null default app.now(),
    replayed_at timestamptz,
    replay_id bigint references delivery.replays (id) on delete set null,
    check ((replayed_at is null) = (replay_id is null))
);
create index dead_letters_open_idx on delivery.dead_letters (company_id, dead_at) where replayed_at is null;
create index dead_letters_event_idx on delivery.dead_letters (event_pk);
select app.guard_tenant_table('delivery.dead_letters');

-- Something a human must look at (a paused destination, an open breaker). company_id null: Meta-wide.
-- The observability work will generalise this table.
create table delivery.alerts (
    id bigint generated always as identity primary key,
    company_id uuid references app.companies (id) on delete cascade,
    destination_id bigint references delivery.destinations (id) on delete cascade,
    kind text not null check (kind in ('destination_paused', 'destination_resumed', 'breaker_opened', 'breaker_closed')),
    severity text not null check (severity in ('info', 'warning', 'critical')),
    title text not null,
    diagnosis text not null,
    details jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default app.now(),
    resolved_at timestamptz
);
create index alerts_company_idx on delivery.alerts (company_id, created_at desc);
create index alerts_open_idx on delivery.alerts (destination_id, kind) where resolved_at is null;
select app.guard_tenant_table('delivery.alerts');

-- Circuit breakers: one for Meta as a whole (scope 'meta'), one per destination (pixel), created
-- when first needed. State machine (docs/ARCHITECTURE.md): closed -> open -> half_open -> closed | open.
create table delivery.breakers (
    id bigint generated always as identity primary key,
    scope text not null check (scope in ('meta', 'destination')),
    destination_id bigint unique references delivery.destinations (id) on delete cascade,
    company_id uuid references app.companies (id) on delete cascade,
    state text not null default 'closed' check (state in ('closed', 'open', 'half_open')),
    reason text,
    error_rate numeric,
    window_attempts int,
    opened_at timestamptz,
    half_open_at timestamptz,
    probe_at timestamptz,
    closed_at timestamptz,
    changed_at timestamptz not null default app.now(),
    check ((scope = 'meta') = (destination_id is null)),
    check ((scope = 'meta') = (company_id is null)),
    check (state <> 'open' or opened_at is not null),
    check (state <> 'half_open' or half_open_at is not null)
);
create unique index breakers_one_meta_idx on delivery.breakers (scope) where scope = 'meta';
comment on table delivery.breakers is 'Circuit breaker state for Meta as a whole and per pixel.';
select app.guard_tenant_table('delivery.breakers');
insert into delivery.breakers (scope, changed_at) values ('meta', '-infinity');

-- Every breaker state change (published to realtime: dashboards follow it live).
create table delivery.breaker_changes (
    id bigint generated always as identity primary key,
    breaker_id bigint not null references delivery.breakers (id) on delete cascade,
    scope text not null,
    destination_id bigint,
    company_id uuid references app.companies (id) on delete cascade,
    from_state text not null,
    to_state text not null check (to_state in ('closed', 'open', 'half_open')),
    reason text,
    error_rate numeric,
    window_attempts int,
    changed_at timestamptz not null default app.now()
);
create index breaker_changes_breaker_idx on delivery.breaker_changes (breaker_id, changed_at desc);
select app.guard_tenant_table('delivery.breaker_changes');

-- An admin's word beats the numbers: force a breaker open (stop sending) or closed (send anyway)
-- until expires_at. The newest unexpired override of a scope wins.
create table delivery.breaker_overrides (
    id bigint generated always as identity primary key,
    scope text not null check (scope in ('meta', 'destination')),
    destination_id bigint references delivery.destinations (id) on delete cascade,
    company_id uuid references app.companies (id) on delete cascade,
    force text not null check (force in ('open', 'closed')),
    reason text not null check (length(btrim(reason)) > 0),
    created_by text not null,
    created_at timestamptz not null default app.now(),
    expires_at timestamptz not null,
    check ((scope = 'meta') = (destination_id is null)),
    check (expires_at > created_at)
);
create index breaker_overrides_scope_idx on delivery.breaker_overrides (scope, destination_id, expires_at desc);
select app.guard_tenant_table('delivery.breaker_overrides');

alter table delivery.settings enable row level security;
alter table delivery.error_rules enable row level security;
alter table delivery.attempts enable row level security;
alter table delivery.replays enable row level security;
alter table delivery.dead_letters enable row level security;
alter table delivery.alerts enable row level security;
alter table delivery.breakers enable row level security;
alter table delivery.breaker_changes enable row level security;
alter table delivery.breaker_overrides enable row level security;

create policy "Members can read their delivery attempts" on delivery.attempts
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their replays" on delivery.replays
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their dead letters" on delivery.dead_letters
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read Meta-wide alerts and their own" on delivery.alerts
for select to authenticated using (company_id is null or app.has_company_access(company_id));
create policy "Members can read the Meta breaker and their pixels' breakers" on delivery.breakers
for select to authenticated using (company_id is null or app.has_company_access(company_id));
create policy "Members can read Meta-wide breaker changes and their own" on delivery.breaker_changes
for select to authenticated using (company_id is null or app.has_company_access(company_id));
create policy "Members can read Meta-wide breaker overrides and their own" on delivery.breaker_overrides
for select to authenticated using (company_id is null or app.has_company_access(company_id));

grant select on delivery.attempts, delivery.replays, delivery.dead_letters, delivery.alerts, delivery.breakers,
delivery.breaker_changes, delivery.breaker_overrides to authenticated;
grant all on all tables in schema delivery to service_role;

-- The conversion history of an event in one query: one row per request that carried it (or one row
-- with null attempt columns before the first). security_invoker: the caller's RLS applies.
create view delivery.event_history with (security_invoker = true) as
select
    e.company_id,
    e.id as event_pk,
    e.event_id,
    e.event_name,
    e.event_time,
    e.status,
    e.attempts as event_attempts,
    e.received_at,
    e.queued_at,
    e.sent_at,
    e.dead_at,
    e.last_error,
    a.id as attempt_id,
    a.request_id,
    a.attempted_at,
    a.pixel_id,
    a.event_count,
    a.probe,
    a.http_status,
    a.failure,
    a.outcome,
    a.fbtrace_id,
    a.events_received,
    a.latency_ms,
    a.error_code,
    a.error_subcode,
    a.error_type,
    a.error_message,
    a.error_user_msg,
    a.is_transient,
    a.response_headers
from tracking.events as e
left join delivery.attempts as a on a.event_pks @> array[e.id];
comment on view delivery.event_history is 'One row per request to Meta that carried the event.';
grant select on delivery.event_history to authenticated, service_role;

alter publication supabase_realtime add table delivery.breakers, delivery.breaker_changes;
