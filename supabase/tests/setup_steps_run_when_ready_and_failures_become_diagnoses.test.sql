-- The onboarding journey decided in SQL: ready steps are queued, a failure is looked up in the rule
-- table (retry with backoff, or wait for the lead), corrections re-run only what depends on them,
-- stale reports change nothing, and the session's status follows its steps.
begin;
select plan(22);

select null from tests.create_user('lia');
select tests.freeze_time('2026-11-29 10:00:00+00');
select id as s, company_id as c from setup.create_session(null, 'Loja Lia', tests.user_id('lia'),
  '{"pixel_id": "123456789012345", "gateway": "perfectpay", "landing_url": "https://loja.example.com/oferta",
    "tracking_domain": "track.loja.example.com", "test_event_code": "TEST123"}', repeat('a', 64)) \gset
select setup.advance(:'s') as queued \gset

select is(:queued, 5, 'the five validations have no dependencies and are queued at once');
select results_eq(format($$ select name from setup.steps where session_id = %L and status = 'queued' order by name $$, :'s'),
  array['validate_cloudflare', 'validate_gateway', 'validate_gtm_access', 'validate_landing', 'validate_meta'],
  'exactly the validations are queued');
select is((select count(*)::int from pgmq.q_setup), 5, 'one setup message per queued step');
select is((select status from setup.sessions where id = :'s'), 'validating', 'the session is validating');
select is((select test_event_code from app.companies where id = :'c'), 'TEST123', 'the company is in test mode');
select is((select origin from tracking.allowed_origins where company_id = :'c'), 'https://loja.example.com',
  'the landing page''s origin may post to the collector');

-- a worker takes validate_gtm_access and succeeds: the server container is ready; the web container
-- also waits for the rendered snippet (its tag)
select step_id as gtm, attempt as gtm_try from setup.start_step(
  (select id from setup.steps where session_id = :'s' and name = 'validate_gtm_access')) \gset
select is(setup.report_step(:gtm, :gtm_try, '{"account": "6000000001"}'), 'succeeded', 'the report is recorded');
select results_eq(format($$ select name from setup.steps where session_id = %L and status = 'queued'
  and name like 'provision%%' order by name $$, :'s'),
  array['provision_gtm_server'], 'the server container is queued; the web one waits for the snippet');
select is(setup.report_step(:gtm, :gtm_try, '{}'), null, 'a second report of the same attempt changes nothing');

-- an invalid token: no retry, the lead must act
select step_id as meta, attempt as meta_try from setup.start_step(
  (select id from setup.steps where session_id = :'s' and name = 'validate_meta')) \gset
select is(setup.report_step(:meta, :meta_try, '{}', 'meta.token_invalid', 'Invalid OAuth access token'),
  'failed', 'an invalid token fails the step');
select is((select status from setup.sessions where id = :'s'), 'needs_attention', 'the session needs attention');
select is(setup.status_report(:'s') -> 'steps' -> 0 -> 'diagnosis' ->> 'field', 'meta_access_token',
  'the diagnosis names the field to fix');

-- a rate limit: retried by itself, later, with backoff
select step_id as cf, attempt as cf_try from setup.start_step(
  (select id from setup.steps where session_id = :'s' and name = 'validate_cloudflare')) \gset
select is(setup.report_step(:cf, :cf_try, '{}', 'cloudflare.rate_limited', '429'), 'retrying', 'a 429 is retried');
select is((select next_attempt_at from setup.steps where id = :cf), '2026-11-29 10:00:30+00'::timestamptz,
  'after the rule''s backoff');
select is(setup.report_step(:cf, :cf_try, '{}'), null, 'a late report of the retried attempt is ignored');

-- an unknown code is an internal error, retried a few times
select step_id as gw, attempt as gw_try from setup.start_step(
  (select id from setup.steps where session_id = :'s' and name = 'validate_gateway')) \gset
select is(setup.report_step(:gw, :gw_try, '{}', 'no.such_code', 'boom'), 'retrying', 'unknown codes retry');
select is((select diagnosis_code from setup.steps where id = :gw), 'internal.error', 'as internal errors');

-- the lead corrects the token: only the steps that read it (and what follows them) re-run
select results_eq(format($$ select unnest(setup.correct(%L, '{}', '{meta_access_token}', null)) order by 1 $$, :'s'),
  array['provision_gtm_web', 'render_snippet', 'test_event', 'validate_meta'],
  'a new token re-runs validate_meta and what depends on it');
select is((select status from setup.steps where id = :meta), 'queued', 'validate_meta is queued again');
select is((select status from setup.sessions where id = :'s'), 'validating', 'the session is validating again');

-- a refused postback for this company fails validate_gateway with the mismatch diagnosis
insert into tracking.rejected_requests (company_id, source, request_id, http_status, error_code, message)
values (:'c', 'perfectpay', 'req-1', 401, 'invalid_token', 'the token does not match');
select is((select diagnosis_code from setup.steps where id = :gw), 'gateway.token_mismatch',
  'a postback with another token is diagnosed as a token mismatch');

select throws_ok(format($$ update setup.sessions set status = 'active' where id = %L $$, :'s'), '23514', null,
  'the status cannot reach active without its timestamps');

select * from finish();
rollback;
