-- Privileges on this schema, its tables and sequences: revoke everything, then grant what is meant.

revoke all on schema whatsapp from public, anon, authenticated, service_role, looker_reader;
grant usage on schema whatsapp to authenticated, service_role;

revoke all on table whatsapp.accounts from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.accounts to service_role;
grant select on table whatsapp.accounts to authenticated;

revoke all on table whatsapp.contacts from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.contacts to service_role;
grant select on table whatsapp.contacts to authenticated;

revoke all on table whatsapp.conversations from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.conversations to service_role;
grant select on table whatsapp.conversations to authenticated;

revoke all on table whatsapp.message_statuses from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.message_statuses to service_role;
grant select on table whatsapp.message_statuses to authenticated;

revoke all on table whatsapp.messages from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.messages to service_role;
grant select on table whatsapp.messages to authenticated;

revoke all on table whatsapp.numbers from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.numbers to service_role;
grant select on table whatsapp.numbers to authenticated;

revoke all on table whatsapp.sales from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.sales to service_role;
grant select on table whatsapp.sales to authenticated;

revoke all on table whatsapp.settings from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.settings to service_role;
grant select on table whatsapp.settings to authenticated;
grant insert (company_id, ad_conversation_event, ctwa_window_days) on table whatsapp.settings to authenticated;
grant update (ad_conversation_event, ctwa_window_days) on table whatsapp.settings to authenticated;

revoke all on table whatsapp.unrouted from public, anon, authenticated, service_role, looker_reader;
grant all on table whatsapp.unrouted to service_role;
