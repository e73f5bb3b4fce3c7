-- Privileges on this schema, its tables and sequences: revoke everything, then grant what is meant.

revoke all on schema app from public, anon, authenticated, service_role, looker_reader;
grant usage on schema app to authenticated, service_role;

revoke all on table app.companies from public, anon, authenticated, service_role, looker_reader;
grant all on table app.companies to service_role;
grant select on table app.companies to authenticated;
grant update (name, test_event_code) on table app.companies to authenticated;

revoke all on table app.company_members from public, anon, authenticated, service_role, looker_reader;
grant all on table app.company_members to service_role;
grant insert, select, delete on table app.company_members to authenticated;
grant update (role) on table app.company_members to authenticated;

revoke all on table app.cron_heartbeat from public, anon, authenticated, service_role, looker_reader;
grant all on table app.cron_heartbeat to service_role;

revoke all on table app.secrets from public, anon, authenticated, service_role, looker_reader;
grant all on table app.secrets to service_role;
grant select (id, company_id, kind, key_id, created_at, updated_at) on table app.secrets to authenticated;
