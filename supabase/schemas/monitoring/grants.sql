-- Privileges on this schema, its tables and sequences: revoke everything, then grant what is meant.

revoke all on schema monitoring from public, anon, authenticated, service_role, looker_reader;
grant usage on schema monitoring to authenticated, looker_reader, service_role;

revoke all on table monitoring.alert_rules from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.alert_rules to service_role;
grant select on table monitoring.alert_rules to authenticated;

revoke all on sequence monitoring.alert_rules_id_seq from public, anon, authenticated, service_role, looker_reader;
grant usage on sequence monitoring.alert_rules_id_seq to service_role;

revoke all on table monitoring.alerts from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.alerts to service_role;
grant select on table monitoring.alerts to authenticated;

revoke all on sequence monitoring.alerts_id_seq from public, anon, authenticated, service_role, looker_reader;
grant usage on sequence monitoring.alerts_id_seq to service_role;

revoke all on table monitoring.company_counters from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.company_counters to service_role;
grant select on table monitoring.company_counters to authenticated;

revoke all on table monitoring.count_deltas from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.count_deltas to service_role;
grant select on table monitoring.count_deltas to authenticated;

revoke all on sequence monitoring.count_deltas_id_seq from public, anon, authenticated, service_role, looker_reader;
grant usage on sequence monitoring.count_deltas_id_seq to service_role;

revoke all on table monitoring.daily_counts from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.daily_counts to service_role;
grant select on table monitoring.daily_counts to authenticated;

revoke all on table monitoring.duplicates from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.duplicates to service_role;
grant select on table monitoring.duplicates to authenticated;

revoke all on sequence monitoring.duplicates_id_seq from public, anon, authenticated, service_role, looker_reader;
grant usage on sequence monitoring.duplicates_id_seq to service_role;

revoke all on sequence monitoring.evaluation_runs from public, anon, authenticated, service_role, looker_reader;
grant usage on sequence monitoring.evaluation_runs to service_role;

revoke all on table monitoring.notifications from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.notifications to service_role;

revoke all on sequence monitoring.notifications_id_seq from public, anon, authenticated, service_role, looker_reader;
grant usage on sequence monitoring.notifications_id_seq to service_role;

revoke all on table monitoring.readers from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.readers to service_role;
