-- Triggers on revenue.settings.

create or replace trigger keep_company_id
before update of company_id on revenue.settings
for each row
execute function app.keep_company_id();

create or replace trigger attribute_on_lookback after update of lookback_days on revenue.settings
for each row when (old.lookback_days is distinct from new.lookback_days)
execute function revenue.attribute_on_lookback();
