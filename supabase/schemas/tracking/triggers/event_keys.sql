-- Triggers on tracking.event_keys.

create or replace trigger keep_company_id
before update of company_id on tracking.event_keys
for each row
execute function app.keep_company_id();
