-- Triggers on delivery.attempts.

create or replace trigger count_attempts after insert on delivery.attempts
referencing new table as new_attempts
for each statement execute function monitoring.count_attempts();

create or replace trigger keep_company_id
before update of company_id on delivery.attempts
for each row
execute function app.keep_company_id();
