-- Triggers on tracking.inbound.

create or replace trigger keep_company_id
before update of company_id on tracking.inbound
for each row
execute function app.keep_company_id();
