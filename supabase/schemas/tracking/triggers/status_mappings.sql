-- Triggers on tracking.status_mappings.

create or replace trigger keep_company_id
before update of company_id on tracking.status_mappings
for each row
execute function app.keep_company_id();
