-- Triggers on tracking.visitors.

create or replace trigger keep_company_id
before update of company_id on tracking.visitors
for each row
execute function app.keep_company_id();
