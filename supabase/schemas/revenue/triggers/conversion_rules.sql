-- Triggers on revenue.conversion_rules.

create or replace trigger keep_company_id
before update of company_id on revenue.conversion_rules
for each row
execute function app.keep_company_id();
