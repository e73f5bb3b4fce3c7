-- Privileges on this schema, its tables and sequences: revoke everything, then grant what is meant.

revoke all on schema delivery from public, anon, authenticated, service_role, looker_reader;
grant usage on schema delivery to authenticated, service_role;

revoke all on table delivery.alerts from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.alerts to service_role;
grant select on table delivery.alerts to authenticated;

revoke all on table delivery.attempts from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.attempts to service_role;
grant select on table delivery.attempts to authenticated;

revoke all on table delivery.breaker_changes from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.breaker_changes to service_role;
grant select on table delivery.breaker_changes to authenticated;

revoke all on table delivery.breaker_override_changes from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.breaker_override_changes to service_role;
grant select on table delivery.breaker_override_changes to authenticated;

revoke all on table delivery.breaker_overrides from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.breaker_overrides to service_role;
grant select on table delivery.breaker_overrides to authenticated;

revoke all on table delivery.breakers from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.breakers to service_role;
grant select on table delivery.breakers to authenticated;

revoke all on table delivery.dead_letters from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.dead_letters to service_role;
grant select on table delivery.dead_letters to authenticated;

revoke all on table delivery.destinations from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.destinations to service_role;
grant select on table delivery.destinations to authenticated;

revoke all on table delivery.error_rules from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.error_rules to service_role;

revoke all on table delivery.replays from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.replays to service_role;
grant select on table delivery.replays to authenticated;

revoke all on table delivery.settings from public, anon, authenticated, service_role, looker_reader;
grant all on table delivery.settings to service_role;
