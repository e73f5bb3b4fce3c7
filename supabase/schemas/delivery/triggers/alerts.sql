-- Triggers on delivery.alerts.

create or replace trigger keep_company_id
before update of company_id on delivery.alerts
for each row
execute function app.keep_company_id();
