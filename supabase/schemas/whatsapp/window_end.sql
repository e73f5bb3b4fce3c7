-- End of the customer-service window opened by an inbound message (gateways.md §3.5). Adding hours to
-- a timestamptz does not depend on the session time zone (only day/month steps do), so this is
-- immutable and can define a generated column.
create or replace function whatsapp.window_end(last_inbound timestamptz) returns timestamptz
language sql immutable parallel safe
as $$
  select last_inbound + interval '24 hours'
$$;
revoke all on function whatsapp.window_end(timestamp with time zone) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.window_end(timestamp with time zone) to authenticated, service_role;
