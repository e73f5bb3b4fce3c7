-- Privileges on this schema, its tables and sequences: revoke everything, then grant what is meant.

revoke all on schema revenue from public, anon, authenticated, service_role, looker_reader;
grant usage on schema revenue to authenticated, service_role;

revoke all on table revenue.attribution_models from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.attribution_models to service_role;
grant select on table revenue.attribution_models to authenticated;

revoke all on table revenue.attributions from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.attributions to service_role;
grant select on table revenue.attributions to authenticated;

revoke all on table revenue.audience_batches from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.audience_batches to service_role;
grant select on table revenue.audience_batches to authenticated;

revoke all on table revenue.audience_jobs from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.audience_jobs to service_role;
grant select on table revenue.audience_jobs to authenticated;

revoke all on table revenue.audience_members from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.audience_members to service_role;
grant select on table revenue.audience_members to authenticated;

revoke all on table revenue.conversion_rules from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.conversion_rules to service_role;
grant select, delete on table revenue.conversion_rules to authenticated;
grant insert (company_id, name, event_name, min_value, custom_data_contains, action, emit_event_name, active) on table revenue.conversion_rules to authenticated;
grant update (name, event_name, min_value, custom_data_contains, action, emit_event_name, active) on table revenue.conversion_rules to authenticated;

revoke all on table revenue.conversions from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.conversions to service_role;
grant select on table revenue.conversions to authenticated;

revoke all on table revenue.settings from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.settings to service_role;
grant select on table revenue.settings to authenticated;
grant update (lookback_days, time_zone, ad_account_id, insights_days, refunds_in, cac_customers) on table revenue.settings to authenticated;

revoke all on table revenue.spend from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.spend to service_role;
grant select on table revenue.spend to authenticated;
