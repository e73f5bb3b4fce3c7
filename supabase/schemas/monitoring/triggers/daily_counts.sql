-- Triggers on monitoring.daily_counts.

create or replace trigger keep_company_id
before update of company_id on monitoring.daily_counts
for each row
execute function app.keep_company_id();
