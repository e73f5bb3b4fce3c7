-- How long after event_time Meta still takes an event (meta_capi.md §2: 7 days, 62 for physical_store).
create or replace function delivery.event_window(action_source text) returns interval
language sql immutable
set search_path = ''
as $$
  select case when action_source = 'physical_store' then interval '62 days' else interval '7 days' end
$$;
revoke all on function delivery.event_window(text) from public, anon, authenticated, service_role, looker_reader;
