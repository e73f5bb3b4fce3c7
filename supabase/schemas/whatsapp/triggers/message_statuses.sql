-- Triggers on whatsapp.message_statuses.

create or replace trigger keep_company_id
before update of company_id on whatsapp.message_statuses
for each row
execute function app.keep_company_id();
