-- Every trigger on this schema's tables (tables themselves are in supabase/migrations/).

create or replace trigger keep_company_id
before update of company_id on whatsapp.accounts
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on whatsapp.contacts
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on whatsapp.conversations
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on whatsapp.message_statuses
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on whatsapp.messages
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on whatsapp.numbers
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on whatsapp.sales
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on whatsapp.settings
for each row
execute function app.keep_company_id();

create or replace trigger touch_updated_at before update on whatsapp.settings
for each row execute function app.touch_updated_at();
