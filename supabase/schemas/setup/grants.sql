-- Privileges on this schema, its tables and sequences: revoke everything, then grant what is meant.

revoke all on schema setup from public, anon, authenticated, service_role, looker_reader;
grant usage on schema setup to authenticated, service_role;

revoke all on table setup.diagnosis_rules from public, anon, authenticated, service_role, looker_reader;
grant all on table setup.diagnosis_rules to service_role;

revoke all on table setup.renders from public, anon, authenticated, service_role, looker_reader;
grant all on table setup.renders to service_role;
grant select on table setup.renders to authenticated;

revoke all on table setup.sessions from public, anon, authenticated, service_role, looker_reader;
grant all on table setup.sessions to service_role;
grant select on table setup.sessions to authenticated;

revoke all on table setup.step_kinds from public, anon, authenticated, service_role, looker_reader;
grant all on table setup.step_kinds to service_role;

revoke all on table setup.steps from public, anon, authenticated, service_role, looker_reader;
grant all on table setup.steps to service_role;
grant select on table setup.steps to authenticated;
