-- Triggers on tracking.touchpoints.

create or replace trigger keep_company_id
before update of company_id on tracking.touchpoints
for each row
execute function app.keep_company_id();
