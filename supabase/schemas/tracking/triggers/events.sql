-- Triggers on tracking.events.

create or replace trigger check_event_transition before update of status on tracking.events
for each row execute function tracking.check_event_transition();

create or replace trigger count_changed_events after update on tracking.events
referencing old table as old_events new table as new_events
for each statement execute function monitoring.count_changed_events();

create or replace trigger count_new_events after insert on tracking.events
referencing new table as new_events
for each statement execute function monitoring.count_new_events();

create or replace trigger attribute_purchase_events after insert on tracking.events
referencing new table as new_events
for each statement execute function revenue.attribute_purchase_events();

create or replace trigger evaluate_conversions after insert on tracking.events
referencing new table as new_events
for each statement execute function revenue.evaluate_conversions();

create or replace trigger events_activate_setup after update of status on tracking.events
for each row when (new.status = 'sent' and old.status is distinct from 'sent')
execute function setup.note_live_delivery();

create or replace trigger keep_company_id
before update of company_id on tracking.events
for each row
execute function app.keep_company_id();

create or replace trigger invalid_events_reach_setup after insert or update of status on tracking.events
for each row when (new.status = 'invalid')
execute function setup.note_invalid_event();
