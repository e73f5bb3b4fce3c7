-- The request body Meta expects for these events (meta_capi.md §1, §2): {"data": [...], "test_event_code"}.
-- event_time in epoch seconds; test_event_code the events' own (a platform's test notification; delivery.plan
-- never mixes them with others), else the destination's, else the company's test mode.
create or replace function delivery.build_payload(destination bigint, event_pks bigint []) returns jsonb
language sql stable
set search_path = ''
as $$
  select pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'data', (
      select coalesce(pg_catalog.jsonb_agg(
        coalesce((
          select pg_catalog.jsonb_object_agg(x.key, x.value)
          from pg_catalog.jsonb_each(e.extra) x
          where x.key in ('messaging_channel', 'opt_out', 'data_processing_options',
                          'data_processing_options_country', 'data_processing_options_state',
                          'referrer_url', 'original_event_data', 'customer_segmentation', 'app_data')
        ), '{}'::jsonb)
        || pg_catalog.jsonb_build_object(
          'event_name', e.event_name,
          'event_time', pg_catalog.floor(pg_catalog.date_part('epoch', e.event_time))::bigint,
          'event_id', e.event_id,
          'action_source', e.action_source,
          'event_source_url', e.event_source_url,
          'user_data', e.user_data,
          'custom_data', nullif(e.custom_data, '{}'::jsonb))
        order by e.id), '[]'::jsonb)
      from tracking.events e
      where e.id = any(event_pks)
    ),
    'test_event_code', coalesce((select pg_catalog.max(e.extra ->> 'test_event_code') from tracking.events as e
                                 where e.id = any(event_pks)), d.test_event_code, c.test_event_code)))
  from delivery.destinations d
  join app.companies c on c.id = d.company_id
  where d.id = destination
$$;
revoke all on function delivery.build_payload(bigint,bigint[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.build_payload(bigint,bigint[]) to service_role;
