-- Processing in sets (issue 16): a batch of stored requests becomes events, sales and dispatch messages
-- with one statement per table. These two row types are what passes between the steps: a gateway's
-- adapter turns its payload into a tracking.sale_input (the common sale shape), and every source hands
-- tracking.record_events an array of tracking.event_input. The functions are in supabase/schemas/.

create type tracking.sale_input as (
    inbound_id bigint,
    company_id uuid,
    gateway text,
    provider_ref text,
    gateway_status text,
    amount numeric,
    currency text,
    product_ref text,
    product_name text,
    visitor text,
    raw_user jsonb,
    occurred_at timestamptz,
    request_id text,
    charge_number int
);
comment on type tracking.sale_input is
'One sale as a gateway adapter reports it: amount in currency units, occurred_at in UTC, raw buyer fields.';

create type tracking.event_input as (
    ord bigint,
    company_id uuid,
    inbound_id bigint,
    source text,
    provider_ref text,
    event_name text,
    event_time timestamptz,
    action_source text,
    event_source_url text,
    raw_user jsonb,
    custom_data jsonb,
    visitor text,
    browser_event_id text,
    request_id text,
    extra jsonb
);
comment on type tracking.event_input is
'One event to record (tracking.record_events); ord is the caller''s reference, returned with the outcome.';

create type tracking.sale_state as (
    company_id uuid,
    gateway text,
    provider_ref text,
    status text,
    sale_effect text,
    amount numeric,
    currency text,
    product_ref text,
    product_name text,
    visitor_id text,
    em text,
    ph text,
    at timestamptz,
    purchase_event_pk bigint
);
comment on type tracking.sale_state is
'A sale''s new state as tracking.upsert_sales records it (em and ph already hashed).';
