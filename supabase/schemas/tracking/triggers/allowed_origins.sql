-- Triggers on tracking.allowed_origins.

create or replace trigger keep_company_id
before update of company_id on tracking.allowed_origins
for each row
execute function app.keep_company_id();
