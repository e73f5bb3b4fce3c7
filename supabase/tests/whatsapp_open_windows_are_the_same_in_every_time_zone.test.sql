-- The 24-hour customer-service window is an instant, not a wall-clock day: window_expires_at = last
-- inbound + 24 h, and whatsapp.open_windows (read at app.now(), frozen here) gives the same answer whatever
-- the session time zone. The message falls on the night New York leaves daylight saving time, where a
-- calendar "+ 1 day" would be 25 hours.
begin;
select plan(9);

select tests.create_company('wa-tz') as co \gset
select whatsapp.connect_number(:'co', '100000000000001', '100000000000002', '5511900000000');

create function pg_temp.inbound(wamid text, wa text, sent_at timestamptz) returns int
language sql
as $$
  select http_status from whatsapp.ingest_webhook(jsonb_build_object(
    'object', 'whatsapp_business_account',
    'entry', jsonb_build_array(jsonb_build_object('id', '100000000000001', 'changes', jsonb_build_array(
      jsonb_build_object('field', 'messages', 'value', jsonb_build_object(
        'messaging_product', 'whatsapp',
        'metadata', jsonb_build_object('phone_number_id', '100000000000002', 'display_phone_number', '5511900000000'),
        'contacts', jsonb_build_array(jsonb_build_object('wa_id', wa, 'profile', jsonb_build_object('name', 'Ana'))),
        'messages', jsonb_build_array(jsonb_build_object(
          'from', wa, 'id', wamid, 'timestamp', floor(extract(epoch from sent_at))::bigint::text, 'type', 'text',
          'text', jsonb_build_object('body', 'oi')))))))))::text, '{}', 'tz-' || wamid)
$$;

-- 01:30 EDT on 2026-11-01, half an hour before the clocks go back; stored from a New York session
set local timezone = 'America/New_York';
select is(pg_temp.inbound('wamid.tz-1', '5511988887777', '2026-11-01 05:30:00+00'), 200, 'the message is accepted');
select pg_temp.inbound('wamid.tz-2', '5511977776666', '2026-11-01 12:00:00+00');

select is((select window_expires_at from whatsapp.conversations where wa_id = '5511988887777'),
          '2026-11-02 05:30:00+00'::timestamptz, 'the window ends exactly 24 hours after the last inbound message');

create temp table seen (zone text, at text, conversation_id bigint, wa_id text, remaining interval);

create function pg_temp.look(zone text, at text) returns void
language plpgsql
as $$
begin
  perform set_config('timezone', zone, true);
  perform tests.freeze_time(at::timestamptz);  -- the literal is read in this session zone, offsets win
  insert into seen select zone, at, w.conversation_id, w.wa_id, w.remaining from whatsapp.open_windows w;
end
$$;

-- 00:00 EST on 2026-11-02 = 05:00 UTC = 02:00 in Sao Paulo: both windows still open
select pg_temp.look('America/New_York', '2026-11-02 00:00:00-05');
select pg_temp.look('America/Sao_Paulo', '2026-11-02 02:00:00');
select pg_temp.look('UTC', '2026-11-02 05:00:00');
select pg_temp.look('Asia/Tokyo', '2026-11-02 14:00:00');

select results_eq(
  $$ select wa_id, remaining from seen where zone = 'UTC' order by wa_id $$,
  $$ values ('5511977776666', interval '7 hours'), ('5511988887777', interval '30 minutes') $$,
  'at 05:00 UTC both windows are open, with the time they have left'
);
select is_empty(
  $$ (select conversation_id, remaining from seen where zone = 'America/New_York'
      except select conversation_id, remaining from seen where zone = 'UTC')
     union all
     (select conversation_id, remaining from seen where zone = 'UTC'
      except select conversation_id, remaining from seen where zone = 'America/New_York') $$,
  'New York sees what UTC sees'
);
select is_empty(
  $$ (select conversation_id, remaining from seen where zone = 'America/Sao_Paulo'
      except select conversation_id, remaining from seen where zone = 'UTC')
     union all
     (select conversation_id, remaining from seen where zone = 'UTC'
      except select conversation_id, remaining from seen where zone = 'America/Sao_Paulo') $$,
  'Sao Paulo sees what UTC sees'
);
select is((select count(*)::int from seen where zone = 'Asia/Tokyo'), 2, 'Tokyo sees both too');

-- 01:00 EST = 06:00 UTC = 03:00 in Sao Paulo: 24 h are over for the first contact (a calendar day in New
-- York would still run until 01:30 EST)
truncate seen;
select pg_temp.look('America/New_York', '2026-11-02 01:00:00-05');
select pg_temp.look('America/Sao_Paulo', '2026-11-02 03:00:00');
select pg_temp.look('UTC', '2026-11-02 06:00:00');
select results_eq(
  $$ select zone, wa_id from seen order by zone $$,
  $$ values ('America/New_York', '5511977776666'), ('America/Sao_Paulo', '5511977776666'), ('UTC', '5511977776666') $$,
  'at 06:00 UTC only the second window is open, in every zone'
);

-- a new inbound message reopens the window: 24 h from it
select tests.freeze_time('2026-11-02 06:00:00+00');
select pg_temp.inbound('wamid.tz-3', '5511988887777', '2026-11-02 05:50:00+00');
select is((select count(*)::int from whatsapp.open_windows where wa_id = '5511988887777'), 1,
          'a message after the window closed opens a new one');
select is((select window_expires_at from whatsapp.open_windows where wa_id = '5511988887777'),
          '2026-11-03 05:50:00+00'::timestamptz, 'which ends 24 hours after that message');

select tests.unfreeze_time();
select * from finish();
rollback;
