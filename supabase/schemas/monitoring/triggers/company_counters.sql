-- Triggers on monitoring.company_counters.

create or replace trigger keep_company_id
before update of company_id on monitoring.company_counters
for each row
execute function app.keep_company_id();
