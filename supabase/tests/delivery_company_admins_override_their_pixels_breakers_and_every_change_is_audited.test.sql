-- delivery.set_breaker_override / delivery.end_breaker_override (the dashboard's RPCs): a company's
-- owner (backoffice admin) and marketing admin force their own pixel's breaker open or closed with a
-- reason and an expiry, and end it; a viewer, another company's admin, an unknown pixel, a blank reason,
-- a bad force and an expiry in the past are refused, each with its own SQLSTATE and hint; every change
-- is a row of delivery.breaker_override_changes (who, when, before, after) that only the company's
-- members read and that Realtime publishes; the Meta-wide breaker stays with the service role.
begin;
select plan(24);

select tests.freeze_time('2026-03-02 12:00:00+00');
select tests.create_user('owner');
select tests.create_user('mara');
select tests.create_user('vic');
select tests.create_user('bob');
select tests.create_company('company-a') as a \gset
select tests.create_company('company-b') as b \gset
select tests.add_member(:'a', 'owner', 'backoffice_admin');
select tests.add_member(:'a', 'mara', 'marketing_admin');
select tests.add_member(:'a', 'vic', 'viewer');
select tests.add_member(:'b', 'bob', 'backoffice_admin');
insert into delivery.destinations (company_id, pixel_id) values (:'a', '111111111111') returning id as da \gset
insert into delivery.destinations (company_id, pixel_id) values (:'b', '222222222222') returning id as db \gset

-- what the client sees of a refusal: SQLSTATE and hint
create function pg_temp.refusal(stmt text) returns text language plpgsql as $$
declare st text; h text;
begin
  execute stmt;
  return 'no error';
exception when others then
  get stacked diagnostics st = returned_sqlstate, h = pg_exception_hint;
  return st || ' ' || coalesce(h, '');
end $$;
grant execute on function pg_temp.refusal(text) to authenticated;

select tests.authenticate_as('owner');
select ok(delivery.set_breaker_override(:da, 'open', 'Meta incident on our pixel', app.now() + interval '1 hour') > 0,
  'the owner forces her pixel''s breaker open');
select is((select force from delivery.breaker_overrides where destination_id = :da), 'open', 'the override is stored');
select tests.clear_authentication();
select is((select d.decision from delivery.may_send(:da) d), 'hold', 'the forced-open breaker holds the pixel''s events');

select tests.authenticate_as('mara');
select delivery.set_breaker_override(:da, 'closed', '  send anyway  ', app.now() + interval '2 hours') as ov \gset
select ok(:ov > 0, 'a marketing admin forces it closed; the newest override wins');
select is(pg_temp.refusal(format('select delivery.set_breaker_override(%s, %L, %L, %L)', :da, 'open', 'x',
  app.now() - interval '1 second')), '22008 expiry_in_past', 'an expiry in the past is refused');
select is(pg_temp.refusal(format('select delivery.set_breaker_override(%s, %L, %L, %L)', :da, 'open', '   ',
  app.now() + interval '1 hour')), '22004 reason_required', 'a blank reason is refused');
select is(pg_temp.refusal(format('select delivery.set_breaker_override(%s, %L, %L, %L)', :da, 'half_open', 'x',
  app.now() + interval '1 hour')), '22023 invalid_force', 'force must be open or closed');
select is(pg_temp.refusal(format('select delivery.set_breaker_override(%s, %L, %L, %L)', 999999, 'open', 'x',
  app.now() + interval '1 hour')), '42704 unknown_destination', 'an unknown pixel is refused');
select is(pg_temp.refusal(format('select delivery.set_breaker_override(%s, %L, %L, %L)', :db, 'open', 'x',
  app.now() + interval '1 hour')), '42704 unknown_destination', 'another company''s pixel looks unknown');
select throws_ok(format('select delivery.set_breaker_override(%s, %L, %L, %L)', 999999, 'open', 'x',
  app.now() + interval '1 hour'), '42704', 'no pixel 999999 among your companies'' destinations',
  'the message says what is wrong');

select tests.authenticate_as('vic');
select is(pg_temp.refusal(format('select delivery.set_breaker_override(%s, %L, %L, %L)', :da, 'open', 'x',
  app.now() + interval '1 hour')), '42501 admin_role_required', 'a viewer cannot override');
select is(pg_temp.refusal(format('select delivery.end_breaker_override(%s)', :ov)), '42501 admin_role_required',
  'a viewer cannot end an override');
select is((select count(*)::int from delivery.breaker_override_changes), 2, 'a viewer reads her company''s changes');

select tests.authenticate_as('bob');
select is(pg_temp.refusal(format('select delivery.end_breaker_override(%s)', :ov)), '42704 unknown_override',
  'another company''s admin cannot end it: unknown to him');
select is((select count(*)::int from delivery.breaker_override_changes), 0, 'nor read company A''s changes');
select throws_ok(format('select delivery.override_breaker(null, %L, %L, %L, %L)', 'open', 'x',
  app.now() + interval '1 hour', 'bob'), '42501', null, 'the Meta-wide breaker is not the dashboard''s');

select tests.authenticate_as('mara');
select lives_ok(format('select delivery.end_breaker_override(%s)', :ov), 'the admin ends her override now');
select is(pg_temp.refusal(format('select delivery.end_breaker_override(%s)', :ov)), '22023 override_already_ended',
  'ending it twice is refused');
select tests.clear_authentication();

select results_eq(
  $$ select action, changed_by, changed_at, before ->> 'expires_at' is not null, after ->> 'force', after ->> 'reason'
     from delivery.breaker_override_changes order by id $$,
  -- changed_at: the frozen clock's instant (app.now()), whatever date it was frozen at
  format($$ values ('set', %L, app.now(), false, 'open', 'Meta incident on our pixel'),
                   ('set', %L, app.now(), false, 'closed', 'send anyway'),
                   ('ended', %L, app.now(), true, 'closed', 'send anyway') $$,
         'user:' || tests.user_id('owner'), 'user:' || tests.user_id('mara'), 'user:' || tests.user_id('mara')),
  'each change says who, when and what (before and after)');
select is((select (before ->> 'expires_at')::timestamptz - (after ->> 'expires_at')::timestamptz
           from delivery.breaker_override_changes where action = 'ended'),
  interval '2 hours', 'ending moved the expiry from two hours ahead to now');
select is((select d.decision from delivery.may_send(:da) d), 'hold',
  'with the newer override ended, the older forced-open one wins again');
select ok(exists (select 1 from delivery.breaker_override_changes where company_id = :'a'),
  'changes carry the company for the Realtime filter');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime'
  and schemaname = 'delivery' and tablename = 'breaker_override_changes'), 'changes are published to Realtime');
select is((select count(*)::int from delivery.breaker_overrides where scope = 'meta'), 0,
  'nothing reached the Meta-wide scope');

select * from finish();
rollback;
