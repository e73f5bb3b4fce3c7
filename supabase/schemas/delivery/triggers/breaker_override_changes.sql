-- Triggers on delivery.breaker_override_changes.

create or replace trigger keep_company_id
before update of company_id on delivery.breaker_override_changes
for each row
execute function app.keep_company_id();
