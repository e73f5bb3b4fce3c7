-- Triggers on delivery.breakers.

create or replace trigger keep_company_id
before update of company_id on delivery.breakers
for each row
execute function app.keep_company_id();
