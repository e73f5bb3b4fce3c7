-- Triggers on monitoring.notifications.

create or replace trigger keep_company_id
before update of company_id on monitoring.notifications
for each row
execute function app.keep_company_id();
