-- Triggers on monitoring.duplicates.

create or replace trigger keep_company_id
before update of company_id on monitoring.duplicates
for each row
execute function app.keep_company_id();
