-- Triggers on revenue.spend.

create or replace trigger keep_company_id
before update of company_id on revenue.spend
for each row
execute function app.keep_company_id();
