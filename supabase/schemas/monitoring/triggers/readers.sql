-- Triggers on monitoring.readers.

create or replace trigger keep_company_id
before update of company_id on monitoring.readers
for each row
execute function app.keep_company_id();
