-- Triggers on revenue.audience_jobs.

create or replace trigger keep_company_id
before update of company_id on revenue.audience_jobs
for each row
execute function app.keep_company_id();

create or replace trigger touch_updated_at before update on revenue.audience_jobs
for each row execute function app.touch_updated_at();
