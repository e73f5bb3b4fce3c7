-- Per-company configuration of ingestion: secrets, endpoints and keys, allowed origins,
-- the Meta destination, and the mapping tables (gateway status -> Meta event, CRM event -> Meta event).

-- Provider secrets, encrypted by the application (AES-GCM, trackai/secrets.py) before they arrive here.
-- key_id names the key that encrypted the row, so keys can rotate. Nobody but the service role reads
-- the ciphertext: authenticated gets only the metadata columns.
create table app.secrets (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    kind text not null check (kind ~ '^[a-z][a-z0-9_]{1,40}$'),
    key_id text not null,
    ciphertext bytea not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (company_id, kind)
);
comment on table app.secrets is
'Encrypted provider secrets (CAPI token, gateway secrets, Cloudflare/Stape keys). Decrypted only by the code that calls the provider.';
select app.guard_tenant_table('app.secrets');
alter table app.secrets enable row level security;
create policy "Backoffice admins can see which secrets exist" on app.secrets
for select to authenticated using (app.has_company_access(company_id, 'backoffice_admin'));
grant select (id, company_id, kind, key_id, created_at, updated_at) on app.secrets to authenticated;
grant all on app.secrets to service_role;

-- Public keys that route an unauthenticated request to its company: webhook URLs and the collector.
-- A Perfect Pay endpoint also stores the SHA-256 of the tenant's Perfect Pay token: the postback's
-- token is compared by hash, so the token itself is never stored in clear nor decrypted.
create table tracking.endpoints (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    kind text not null check (kind in ('perfectpay', 'mercadopago', 'collector')),
    public_key text not null unique check (public_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    token_sha256 text check (token_sha256 ~ '^[0-9a-f]{64}$'),
    created_at timestamptz not null default now(),
    disabled_at timestamptz,
    check (kind <> 'perfectpay' or token_sha256 is not null)
);
create index endpoints_company_idx on tracking.endpoints (company_id);
comment on table tracking.endpoints is 'Webhook and collector keys; the key in the URL picks the company.';
select app.guard_tenant_table('tracking.endpoints');

-- Server-to-server API keys: only a SHA-256 of the key is kept; the prefix helps people tell keys apart.
create table tracking.api_keys (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    name text not null,
    prefix text not null,
    key_sha256 text not null unique check (key_sha256 ~ '^[0-9a-f]{64}$'),
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
create index api_keys_company_idx on tracking.api_keys (company_id);
select app.guard_tenant_table('tracking.api_keys');

-- Browser origins allowed to post to the collector (CORS).
create table tracking.allowed_origins (
    company_id uuid not null references app.companies (id) on delete cascade,
    origin text not null check (origin ~ '^https?://[a-z0-9.-]+(:[0-9]{1,5})?$'),
    created_at timestamptz not null default now(),
    primary key (company_id, origin)
);
select app.guard_tenant_table('tracking.allowed_origins');

-- Where a company's events go: a Meta pixel (dataset). The access token is in app.secrets
-- (kind meta_capi_token). Paused destinations keep their events queued.
create table delivery.destinations (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    pixel_id text not null check (pixel_id ~ '^[0-9]{5,20}$'),
    test_event_code text check (test_event_code ~ '^[A-Za-z0-9]{4,32}$'),
    status text not null default 'active' check (status in ('active', 'paused')),
    paused_reason text,
    paused_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (company_id, pixel_id),
    check ((status = 'paused') = (paused_at is not null))
);
comment on table delivery.destinations is 'A company''s Meta pixel / dataset; the breaker guards it.';
select app.guard_tenant_table('delivery.destinations');
create trigger touch_updated_at before update on delivery.destinations
for each row execute function app.touch_updated_at();

-- Gateway status -> what it means for Meta and for revenue. Rows with company_id null are the
-- defaults; a company's own row for the same (gateway, status) wins.
create table tracking.status_mappings (
    id bigint generated always as identity primary key,
    company_id uuid references app.companies (id) on delete cascade,
    gateway text not null check (gateway in ('perfectpay', 'mercadopago')),
    gateway_status text not null,
    meta_event text check (meta_event ~ '^[A-Za-z][A-Za-z0-9_]{1,49}$'),
    sale_effect text not null check (sale_effect in ('sale', 'pending', 'refund', 'chargeback', 'cancel', 'none')),
    unique nulls not distinct (company_id, gateway, gateway_status)
);
comment on table tracking.status_mappings is
'Gateway status -> Meta event (null: no event) and its effect on the sale. company_id null = default.';
select app.guard_tenant_table('tracking.status_mappings');

insert into tracking.status_mappings (company_id, gateway, gateway_status, meta_event, sale_effect) values
(null, 'perfectpay', 'approved', 'Purchase', 'sale'),
(null, 'perfectpay', 'completed', 'Purchase', 'sale'),
(null, 'perfectpay', 'authorized', 'Purchase', 'sale'),
(null, 'perfectpay', 'pending', 'InitiateCheckout', 'pending'),
(null, 'perfectpay', 'precheckout', null, 'none'),
(null, 'perfectpay', 'checkout_error', null, 'none'),
(null, 'perfectpay', 'in_process', null, 'none'),
(null, 'perfectpay', 'in_review', null, 'none'),
(null, 'perfectpay', 'in_mediation', null, 'none'),
(null, 'perfectpay', 'rejected', null, 'cancel'),
(null, 'perfectpay', 'cancelled', null, 'cancel'),
(null, 'perfectpay', 'expired', null, 'cancel'),
(null, 'perfectpay', 'refunded', null, 'refund'),
(null, 'perfectpay', 'charged_back', null, 'chargeback'),
(null, 'perfectpay', 'none', null, 'none'),
(null, 'mercadopago', 'approved', 'Purchase', 'sale'),
(null, 'mercadopago', 'authorized', null, 'none'),
(null, 'mercadopago', 'pending', 'InitiateCheckout', 'pending'),
(null, 'mercadopago', 'in_process', null, 'none'),
(null, 'mercadopago', 'in_mediation', null, 'none'),
(null, 'mercadopago', 'rejected', null, 'cancel'),
(null, 'mercadopago', 'cancelled', null, 'cancel'),
(null, 'mercadopago', 'refunded', null, 'refund'),
(null, 'mercadopago', 'charged_back', null, 'chargeback');

-- CRM business events -> Meta events, per company (company_id null = default).
create table tracking.event_mappings (
    id bigint generated always as identity primary key,
    company_id uuid references app.companies (id) on delete cascade,
    business_event text not null check (
        business_event in ('LeadCreated', 'LeadQualified', 'DealStatusChanged', 'ContractSigned')
    ),
    -- for DealStatusChanged: the deal status this row applies to ('*' = any)
    deal_status text not null default '*',
    meta_event text check (meta_event ~ '^[A-Za-z][A-Za-z0-9_]{1,49}$'),
    unique nulls not distinct (company_id, business_event, deal_status)
);
select app.guard_tenant_table('tracking.event_mappings');

insert into tracking.event_mappings (company_id, business_event, deal_status, meta_event) values
(null, 'LeadCreated', '*', 'Lead'),
(null, 'LeadQualified', '*', 'QualifiedLead'),
(null, 'DealStatusChanged', 'won', 'Purchase'),
(null, 'DealStatusChanged', '*', null),
(null, 'ContractSigned', '*', 'Purchase');

alter table tracking.endpoints enable row level security;
alter table tracking.api_keys enable row level security;
alter table tracking.allowed_origins enable row level security;
alter table delivery.destinations enable row level security;
alter table tracking.status_mappings enable row level security;
alter table tracking.event_mappings enable row level security;

create policy "Members can read their endpoints" on tracking.endpoints
for select to authenticated using (app.has_company_access(company_id));
create policy "Backoffice admins can read their api keys" on tracking.api_keys
for select to authenticated using (app.has_company_access(company_id, 'backoffice_admin'));
create policy "Members can read their allowed origins" on tracking.allowed_origins
for select to authenticated using (app.has_company_access(company_id));
create policy "Marketing admins can manage their allowed origins" on tracking.allowed_origins
for all to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));
create policy "Members can read their destinations" on delivery.destinations
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read default and own status mappings" on tracking.status_mappings
for select to authenticated using (company_id is null or app.has_company_access(company_id));
create policy "Marketing admins can manage their status mappings" on tracking.status_mappings
for all to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));
create policy "Members can read default and own event mappings" on tracking.event_mappings
for select to authenticated using (company_id is null or app.has_company_access(company_id));
create policy "Marketing admins can manage their event mappings" on tracking.event_mappings
for all to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));

grant select (id, company_id, kind, public_key, created_at, disabled_at) on tracking.endpoints to authenticated;
grant select (id, company_id, name, prefix, created_at, revoked_at) on tracking.api_keys to authenticated;
grant select, insert, delete on tracking.allowed_origins to authenticated;
grant select on delivery.destinations to authenticated;
grant select, insert, update (meta_event, sale_effect), delete on tracking.status_mappings to authenticated;
grant select, insert, update (meta_event), delete on tracking.event_mappings to authenticated;
grant all on all tables in schema tracking to service_role;
grant all on all tables in schema delivery to service_role;
