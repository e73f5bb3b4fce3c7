-- Triggers on delivery.breaker_overrides.

create or replace trigger keep_company_id
before update of company_id on delivery.breaker_overrides
for each row
execute function app.keep_company_id();

create or replace trigger audit_override_change
after insert or update of expires_at on delivery.breaker_overrides
for each row
execute function delivery.audit_override_change();
