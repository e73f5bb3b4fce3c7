-- Triggers on whatsapp.contacts.

create or replace trigger keep_company_id
before update of company_id on whatsapp.contacts
for each row
execute function app.keep_company_id();
