-- Triggers on tracking.touchpoints.

create or replace trigger keep_company_id
before update of company_id on tracking.touchpoints
for each row
execute function app.keep_company_id();

create or replace trigger attribute_late_touches after insert on tracking.touchpoints
referencing new table as new_touchpoints
for each statement execute function revenue.attribute_late_touches();
