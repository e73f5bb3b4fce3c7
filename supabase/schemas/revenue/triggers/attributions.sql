-- Triggers on revenue.attributions.

create or replace trigger keep_company_id
before update of company_id on revenue.attributions
for each row
execute function app.keep_company_id();
