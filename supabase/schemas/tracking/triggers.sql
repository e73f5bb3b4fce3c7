-- Every trigger on this schema's tables (tables themselves are in supabase/migrations/).

create or replace trigger keep_company_id
before update of company_id on tracking.allowed_origins
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.api_keys
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.endpoints
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.event_keys
for each row
execute function app.keep_company_id();

create or replace trigger note_duplicate before insert on tracking.event_keys
for each row execute function monitoring.note_duplicate();

create or replace trigger keep_company_id
before update of company_id on tracking.event_mappings
for each row
execute function app.keep_company_id();

create or replace trigger check_event_transition before update of status on tracking.events
for each row execute function tracking.check_event_transition();

create or replace trigger count_changed_events after update on tracking.events
referencing old table as old_events new table as new_events
for each statement execute function monitoring.count_changed_events();

create or replace trigger count_new_events after insert on tracking.events
referencing new table as new_events
for each statement execute function monitoring.count_new_events();

create or replace trigger evaluate_conversions after insert on tracking.events
for each row execute function revenue.evaluate_conversions();

create or replace trigger events_activate_setup after update of status on tracking.events
for each row when (new.status = 'sent' and old.status is distinct from 'sent')
execute function setup.note_live_delivery();

create or replace trigger keep_company_id
before update of company_id on tracking.events
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.idempotency_keys
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.inbound
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.rejected_requests
for each row
execute function app.keep_company_id();

create or replace trigger rejected_postbacks_reach_setup after insert on tracking.rejected_requests
for each row when (new.company_id is not null and new.error_code in ('invalid_token', 'bad_signature'))
execute function setup.note_rejected_postback();

create or replace trigger count_approved_sales after update on tracking.sales
referencing old table as old_sales new table as new_sales
for each statement execute function monitoring.count_approved_sales();

create or replace trigger count_new_sales after insert on tracking.sales
referencing new table as new_sales
for each statement execute function monitoring.count_new_sales();

create or replace trigger keep_company_id
before update of company_id on tracking.sales
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.status_mappings
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.touchpoints
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on tracking.visitors
for each row
execute function app.keep_company_id();
