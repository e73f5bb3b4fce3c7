-- Every trigger on this schema's tables (tables themselves are in supabase/migrations/).

create or replace trigger keep_company_id
before update of company_id on delivery.alerts
for each row
execute function app.keep_company_id();

create or replace trigger count_attempts after insert on delivery.attempts
referencing new table as new_attempts
for each statement execute function monitoring.count_attempts();

create or replace trigger keep_company_id
before update of company_id on delivery.attempts
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on delivery.breaker_changes
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on delivery.breaker_overrides
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on delivery.breakers
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on delivery.dead_letters
for each row
execute function app.keep_company_id();

create or replace trigger keep_company_id
before update of company_id on delivery.destinations
for each row
execute function app.keep_company_id();

create or replace trigger touch_updated_at before update on delivery.destinations
for each row execute function app.touch_updated_at();

create or replace trigger keep_company_id
before update of company_id on delivery.replays
for each row
execute function app.keep_company_id();
