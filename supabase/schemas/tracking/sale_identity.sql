-- What an adapter answers the API's check (identify_only): the order, its status, whether it is a test,
-- and the first problem; the rest of the sale is left null for the worker. An adapter returns this before
-- building its full row because plpgsql prepares each expression it evaluates once per transaction, and
-- each acknowledgement is a transaction: the full row's expression (the buyer's fields) cost the Perfect
-- Pay path about 80 µs per batch. SQL without settings, so that it is inlined into the adapter's return.
create or replace function tracking.sale_identity(
    i tracking.inbound, provider_ref text, gateway_status text, test boolean, problem jsonb
) returns tracking.sale_input
language sql immutable
return row(i.id, i.company_id, i.source, provider_ref, gateway_status, null, null, null, null, null, null, null,
           i.request_id, null, test, problem)::tracking.sale_input;
revoke all on function tracking.sale_identity(tracking.inbound, text, text, boolean, jsonb) from public, anon, authenticated, service_role, looker_reader;
