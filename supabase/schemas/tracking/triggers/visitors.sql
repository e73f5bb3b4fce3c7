-- Triggers on tracking.visitors.

create or replace trigger keep_company_id
before update of company_id on tracking.visitors
for each row
execute function app.keep_company_id();

create or replace trigger attribute_new_visitor_leads after insert on tracking.visitors
for each row when (new.em is not null or new.ph is not null)
execute function revenue.attribute_visitor_leads();

create or replace trigger attribute_changed_visitor_leads after update of em, ph on tracking.visitors
for each row when (old.em is distinct from new.em or old.ph is distinct from new.ph)
execute function revenue.attribute_visitor_leads();
