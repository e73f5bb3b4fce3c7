-- Triggers on setup.sessions.

create or replace trigger guard_transition before update of status on setup.sessions
for each row execute function setup.guard_transition();

create or replace trigger keep_company_id
before update of company_id on setup.sessions
for each row
execute function app.keep_company_id();
