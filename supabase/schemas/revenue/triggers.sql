-- Every trigger on this schema's tables (tables themselves are in supabase/migrations/).

create or replace trigger keep_company_id
before update of company_id on revenue.attributions
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on revenue.audience_batches
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on revenue.audience_jobs
for each row
execute function app.keep_company_id();

create or replace trigger touch_updated_at before update on revenue.audience_jobs
for each row execute function app.touch_updated_at();

create or replace trigger keep_company_id
before update of company_id on revenue.audience_members
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on revenue.conversion_rules
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on revenue.conversions
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on revenue.settings
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on revenue.spend
for each row
execute function app.keep_company_id();
