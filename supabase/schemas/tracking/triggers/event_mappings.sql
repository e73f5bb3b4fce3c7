-- Triggers on tracking.event_mappings.

create or replace trigger keep_company_id
before update of company_id on tracking.event_mappings
for each row
execute function app.keep_company_id();
