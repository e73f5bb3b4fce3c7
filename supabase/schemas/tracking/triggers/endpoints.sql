-- Triggers on tracking.endpoints.

create or replace trigger keep_company_id
before update of company_id on tracking.endpoints
for each row
execute function app.keep_company_id();
