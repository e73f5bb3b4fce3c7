-- Triggers on delivery.dead_letters.

create or replace trigger keep_company_id
before update of company_id on delivery.dead_letters
for each row
execute function app.keep_company_id();
