-- Triggers on revenue.audience_members.

create or replace trigger keep_company_id
before update of company_id on revenue.audience_members
for each row
execute function app.keep_company_id();
