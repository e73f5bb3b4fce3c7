-- Triggers on whatsapp.sales.

create or replace trigger keep_company_id
before update of company_id on whatsapp.sales
for each row
execute function app.keep_company_id();
