-- RLS on onboarding: a member of company A sees none of company B's session, steps or renders,
-- and cannot change them.
begin;
select plan(8);

select null from tests.create_user('ana');
select null from tests.create_user('bob');
select tests.create_company('setup-a') as a \gset
select tests.add_member(:'a', 'ana', 'backoffice_admin');
select id as sb, company_id as b from setup.create_session(null, 'Clínica B', tests.user_id('bob'),
  '{"pixel_id": "222222222222222", "gateway": "perfectpay", "landing_url": "https://b.example.com/",
    "tracking_domain": "track.b.example.com"}', repeat('b', 64)) \gset
select id as sa from setup.create_session(:'a', null, tests.user_id('ana'),
  '{"pixel_id": "111111111111111", "gateway": "perfectpay", "landing_url": "https://a.example.com/",
    "tracking_domain": "track.a.example.com"}', repeat('a', 64)) \gset
select null from setup.record_render(:'b', 'landing_snippet', '{}', 'b snippet', repeat('c', 64), 'test');

select tests.authenticate_as('ana');
select is((select count(*)::int from setup.sessions), 1, 'ana sees only her own session');
select is((select count(*)::int from setup.steps where company_id = :'b'), 0, 'none of B''s steps');
select is((select count(*)::int from setup.renders), 0, 'none of B''s renders');
select throws_ok(format($$ update setup.sessions set landing_url = 'https://evil.example.com/' where id = %L $$, :'sb'),
  '42501', null, 'dashboard users cannot write sessions directly');
select throws_ok($$ select setup.status_report(gen_random_uuid()) $$, '42501', null,
  'dashboard users cannot call the worker-side functions');

select tests.authenticate_as('bob');
select is((select landing_url from setup.sessions where id = :'sb'), 'https://b.example.com/',
  'ana''s update touched nothing of B');
select is((select count(*)::int from setup.steps), 11, 'bob, who created company B, sees its eleven steps');
select tests.clear_authentication();
select throws_ok(format($$ select setup.create_session(%L, null, tests.user_id('ana'),
  '{"pixel_id": "111111111111111", "gateway": "perfectpay", "landing_url": "https://a.example.com/",
    "tracking_domain": "track.a.example.com"}', null) $$, :'b'), '42501', 'you are not an admin of this company',
  'a user who is not an admin of an existing company cannot open its setup');

select * from finish();
rollback;
