-- Triggers on tracking.idempotency_keys.

create or replace trigger keep_company_id
before update of company_id on tracking.idempotency_keys
for each row
execute function app.keep_company_id();
