-- Triggers on delivery.replays.

create or replace trigger keep_company_id
before update of company_id on delivery.replays
for each row
execute function app.keep_company_id();
