-- Triggers on app.secrets.

create or replace trigger keep_company_id
before update of company_id on app.secrets
for each row
execute function app.keep_company_id();

create or replace trigger resume_destinations_on_token_saved
after insert or update of ciphertext on app.secrets
for each row when (new.kind = 'meta_capi_token')
execute function delivery.resume_on_token_saved();
