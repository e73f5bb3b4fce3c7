-- Triggers on whatsapp.messages.

create or replace trigger keep_company_id
before update of company_id on whatsapp.messages
for each row
execute function app.keep_company_id();
