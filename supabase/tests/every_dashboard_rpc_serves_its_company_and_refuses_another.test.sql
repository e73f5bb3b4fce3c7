-- The RPCs the dashboard may call (docs/dashboard.md, "RPCs"), each as `authenticated`: an admin of
-- another company is refused, an admin of the right one is served. The list is the set of security
-- definer functions authenticated may execute, less the read-only helpers policies and views call, so
-- a new RPC granted to authenticated fails here until it is listed and tested.
begin;
select plan(12);

select tests.freeze_time('2026-03-02 12:00:00+00');
select tests.create_user('ana');
select tests.create_user('bob');
select tests.create_company('company-a') as a \gset
select tests.create_company('company-b') as b \gset
select tests.add_member(:'a', 'ana', 'marketing_admin');
select tests.add_member(:'b', 'bob', 'backoffice_admin');
insert into delivery.destinations (company_id, pixel_id) values (:'a', '111111111111') returning id as da \gset
insert into revenue.settings (company_id, ad_account_id) values (:'a', '1001');
insert into tracking.visitors (company_id, visitor_id, first_seen_at, last_seen_at, em)
values (:'a', 'visitor-1', app.now(), app.now(), repeat('a', 64));

select set_eq(
  $$ select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('app', 'tracking', 'delivery', 'setup', 'monitoring', 'whatsapp', 'revenue')
       and p.prosecdef and has_function_privilege('authenticated', p.oid, 'execute')
       and p.provolatile = 'v' $$,
  array['delivery.retry_failed(uuid,text[],timestamp with time zone,timestamp with time zone,integer)',
        'delivery.set_breaker_override(bigint,text,text,timestamp with time zone)',
        'delivery.end_breaker_override(bigint)',
        'revenue.create_audience_job(uuid,jsonb,text)',
        'revenue.upload_spend(uuid,jsonb)'],
  'the dashboard''s RPCs are exactly these (every other function authenticated may run reads only)');

select tests.authenticate_as('bob');
select throws_ok(format($$ select * from delivery.retry_failed(%L) $$, :'a'), '42501', null,
  'retry_failed: another company''s admin is refused');
select throws_ok(format($$ select delivery.set_breaker_override(%s, 'open', 'x', app.now() + interval '1 hour') $$, :da),
  '42704', null, 'set_breaker_override: another company''s admin is refused');
select throws_ok(format($$ select * from revenue.create_audience_job(%L, '{"kind": "leads_without_purchase", "days": 7}') $$, :'a'),
  '42501', null, 'create_audience_job: another company''s admin is refused');
-- a spend row for the day before the frozen clock's
select pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('day', (app.now() - interval '1 day')::date,
  'campaign_id', 'c1', 'spend', '10')) as spend_rows \gset
select throws_ok(format($$ select * from revenue.upload_spend(%L, %L) $$, :'a', :'spend_rows'),
  '42501', null, 'upload_spend: another company''s admin is refused');

select tests.authenticate_as('ana');
select results_eq(format($$ select company_id, replayed from delivery.retry_failed(%L) $$, :'a'),
  format($$ values (%L::uuid, 0) $$, :'a'), 'retry_failed: her company''s admin is served');
select delivery.set_breaker_override(:da, 'open', 'x', app.now() + interval '1 hour') as ov \gset
select ok(:ov > 0, 'set_breaker_override: her company''s admin is served');
select tests.authenticate_as('bob');
select throws_ok(format($$ select delivery.end_breaker_override(%s) $$, :ov), '42704', null,
  'end_breaker_override: another company''s admin is refused');
select tests.authenticate_as('ana');
select lives_ok(format($$ select delivery.end_breaker_override(%s) $$, :ov), 'end_breaker_override: her company''s admin is served');
select results_eq(format($$ select company_id, total from revenue.create_audience_job(%L, '{"kind": "leads_without_purchase", "days": 7}') $$, :'a'),
  format($$ values (%L::uuid, 1) $$, :'a'), 'create_audience_job: her company''s admin is served');
select results_eq(format($$ select company_id, written from revenue.upload_spend(%L, %L) $$, :'a', :'spend_rows'),
  format($$ values (%L::uuid, 1) $$, :'a'), 'upload_spend: her company''s admin is served');
select tests.clear_authentication();
select is((select count(*)::int from revenue.spend where company_id = :'b'), 0, 'nothing was written for company B');

select * from finish();
rollback;
