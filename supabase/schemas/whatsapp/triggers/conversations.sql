-- Triggers on whatsapp.conversations.

create or replace trigger keep_company_id
before update of company_id on whatsapp.conversations
for each row
execute function app.keep_company_id();
