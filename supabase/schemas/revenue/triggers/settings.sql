-- Triggers on revenue.settings.

create or replace trigger keep_company_id
before update of company_id on revenue.settings
for each row
execute function app.keep_company_id();
