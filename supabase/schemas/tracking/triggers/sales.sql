-- Triggers on tracking.sales.

create or replace trigger count_approved_sales after update on tracking.sales
referencing old table as old_sales new table as new_sales
for each statement execute function monitoring.count_approved_sales();

create or replace trigger count_new_sales after insert on tracking.sales
referencing new table as new_sales
for each statement execute function monitoring.count_new_sales();

create or replace trigger keep_company_id
before update of company_id on tracking.sales
for each row
execute function app.keep_company_id();

create or replace trigger attribute_new_sales after insert on tracking.sales
referencing new table as new_sales
for each statement execute function revenue.attribute_sales();

create or replace trigger attribute_changed_sales after update on tracking.sales
referencing old table as old_sales new table as new_sales
for each statement execute function revenue.attribute_sales();
