-- Privileges on this schema, its tables and sequences: revoke everything, then grant what is meant.

revoke all on schema tracking from public, anon, authenticated, service_role, looker_reader;
grant usage on schema tracking to authenticated, service_role;

revoke all on table tracking.allowed_origins from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.allowed_origins to service_role;
grant insert, select, delete on table tracking.allowed_origins to authenticated;

revoke all on table tracking.action_source_rules from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.action_source_rules to service_role;

revoke all on table tracking.api_keys from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.api_keys to service_role;
grant select (id, company_id, name, prefix, created_at, revoked_at) on table tracking.api_keys to authenticated;

revoke all on table tracking.currencies from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.currencies to service_role;

revoke all on table tracking.gateways from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.gateways to service_role;

revoke all on table tracking.endpoints from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.endpoints to service_role;
grant select (id, company_id, kind, public_key, created_at, disabled_at) on table tracking.endpoints to authenticated;

revoke all on table tracking.event_keys from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.event_keys to service_role;
grant select on table tracking.event_keys to authenticated;

revoke all on table tracking.event_mappings from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.event_mappings to service_role;
grant insert, select, delete on table tracking.event_mappings to authenticated;
grant update (meta_event, action_source) on table tracking.event_mappings to authenticated;

revoke all on table tracking.events from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.events to service_role;
grant select on table tracking.events to authenticated;

revoke all on table tracking.idempotency_keys from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.idempotency_keys to service_role;
grant select on table tracking.idempotency_keys to authenticated;

revoke all on table tracking.inbound from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.inbound to service_role;
grant select on table tracking.inbound to authenticated;

revoke all on table tracking.meta_event_rules from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.meta_event_rules to service_role;

revoke all on table tracking.rejected_requests from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.rejected_requests to service_role;
grant select on table tracking.rejected_requests to authenticated;

revoke all on table tracking.sales from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.sales to service_role;
grant select on table tracking.sales to authenticated;

revoke all on table tracking.status_mappings from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.status_mappings to service_role;
grant insert, select, delete on table tracking.status_mappings to authenticated;
grant update (meta_event, sale_effect) on table tracking.status_mappings to authenticated;

revoke all on table tracking.touchpoints from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.touchpoints to service_role;
grant select on table tracking.touchpoints to authenticated;

revoke all on table tracking.visitors from public, anon, authenticated, service_role, looker_reader;
grant all on table tracking.visitors to service_role;
grant select on table tracking.visitors to authenticated;
