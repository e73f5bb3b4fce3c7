-- Admin overrides (delivery.breaker_overrides): force open holds a healthy pixel, force closed lets a
-- pixel through an open Meta breaker; the newest unexpired override wins; expired ones count for nothing.
begin;
select plan(8);

select tests.freeze_time('2026-11-20 12:00:00+00');
select tests.create_company('loja') as c \gset
insert into delivery.destinations (company_id, pixel_id) values (:'c', '111222333444') returning id as d \gset

create function pg_temp.decision(dest bigint) returns text language sql as $$
  select decision || coalesce(' ' || (hold_until - app.now())::text, '') from delivery.may_send(dest)
$$;

select is(pg_temp.decision(:d), 'send', 'no override, closed breakers: send');
select delivery.override_breaker(:d, 'open', 'customer asked to stop sending during a migration',
  '2026-11-20 12:00:40+00', 'ops:ana');
select is(pg_temp.decision(:d), 'hold 00:00:40', 'forced open: held until the override expires');
select is((select company_id from delivery.breaker_overrides), :'c'::uuid, 'the override belongs to the pixel''s company');

select tests.freeze_time('2026-11-20 12:00:10+00');
select delivery.override_breaker(:d, 'closed', 'changed our mind', '2026-11-20 13:00:00+00', 'ops:ana');
select is(pg_temp.decision(:d), 'send', 'the newest override wins');

select tests.freeze_time('2026-11-20 12:00:20+00');
update delivery.breakers set state = 'open', opened_at = app.now() where scope = 'meta';
select is(pg_temp.decision(:d), 'hold 00:01:00', 'an open Meta breaker holds the pixel (its own override is not Meta''s)');
select delivery.override_breaker(null, 'closed', 'Meta status page is green', '2026-11-20 12:30:00+00', 'ops:ana');
select is(pg_temp.decision(:d), 'send', 'Meta forced closed: batches go despite the open breaker');

select tests.freeze_time('2026-11-20 12:31:00+00');
select is(pg_temp.decision(:d), 'probe', 'once the override expired the breaker decides again (cool-down over: probe)');

select throws_ok($$ insert into delivery.breaker_overrides (scope, force, reason, created_by, expires_at)
                    values ('meta', 'ajar', 'x', 'y', now() + interval '1 hour') $$, '23514', null,
  'an override forces open or closed, nothing else');

select * from finish();
rollback;
