-- Triggers on tracking.gateways.

create or replace trigger write_adapt
after insert or update or delete or truncate on tracking.gateways
for each statement
execute function tracking.gateways_changed();
