-- Triggers on monitoring.alerts.

create or replace trigger enqueue_notifications after insert or update of status on monitoring.alerts
for each row execute function monitoring.enqueue_notifications();

create or replace trigger keep_company_id
before update of company_id on monitoring.alerts
for each row
execute function app.keep_company_id();
