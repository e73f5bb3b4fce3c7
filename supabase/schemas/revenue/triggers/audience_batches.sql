-- Triggers on revenue.audience_batches.

create or replace trigger keep_company_id
before update of company_id on revenue.audience_batches
for each row
execute function app.keep_company_id();
