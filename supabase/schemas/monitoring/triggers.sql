-- Every trigger on this schema's tables (tables themselves are in supabase/migrations/).

create or replace trigger keep_company_id
before update of company_id on monitoring.alert_rules
for each row
execute function app.keep_company_id();

create or replace trigger touch_updated_at before update on monitoring.alert_rules
for each row execute function app.touch_updated_at();

create or replace trigger enqueue_notifications after insert or update of status on monitoring.alerts
for each row execute function monitoring.enqueue_notifications();

create or replace trigger keep_company_id
before update of company_id on monitoring.alerts
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on monitoring.company_counters
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on monitoring.count_deltas
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on monitoring.daily_counts
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on monitoring.duplicates
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on monitoring.notifications
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on monitoring.readers
for each row
execute function app.keep_company_id();
