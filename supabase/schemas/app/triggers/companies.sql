-- Triggers on app.companies.

create or replace trigger keep_company_pk before update of id on app.companies
for each row execute function app.keep_company_pk();

create or replace trigger touch_updated_at before update on app.companies
for each row execute function app.touch_updated_at();
