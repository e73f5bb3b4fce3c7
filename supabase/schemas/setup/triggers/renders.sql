-- Triggers on setup.renders.

create or replace trigger keep_company_id
before update of company_id on setup.renders
for each row
execute function app.keep_company_id();
