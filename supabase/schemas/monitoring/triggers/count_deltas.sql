-- Triggers on monitoring.count_deltas.

create or replace trigger keep_company_id
before update of company_id on monitoring.count_deltas
for each row
execute function app.keep_company_id();
