-- Triggers on monitoring.alert_rules.

create or replace trigger keep_company_id
before update of company_id on monitoring.alert_rules
for each row
execute function app.keep_company_id();

create or replace trigger touch_updated_at before update on monitoring.alert_rules
for each row execute function app.touch_updated_at();
