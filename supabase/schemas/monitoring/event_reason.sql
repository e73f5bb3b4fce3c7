-- Why an event stopped short of Meta: the skip reason, or the reason code of its dead letter or of the
-- Meta rule it broke (last_error is '<reason>: <detail>': delivery.record_attempt, delivery.bury,
-- tracking.record_event).
create or replace function monitoring.event_reason(status text, skip_reason text, last_error text) returns text
language sql immutable parallel safe
as $$
  select case status
    when 'skipped' then skip_reason
    when 'dead' then pg_catalog.split_part(last_error, ':', 1)
    when 'invalid' then pg_catalog.split_part(last_error, ':', 1)
  end
$$;
revoke all on function monitoring.event_reason(text,text,text) from public, anon, authenticated, service_role, looker_reader;
