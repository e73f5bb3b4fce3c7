-- One classification of Meta's answers (delivery.error_rules, meta_capi.md §5): transient -> retry,
-- bad payload -> dead, tenant credential / pixel -> pause. Branches on error.code, not HTTP status.
begin;
select plan(34);

create function pg_temp.outcome(failure text, http int, code int, sub int, transient boolean) returns text
language sql as $$ select outcome from delivery.classify_error(failure, http, code, sub, transient) $$;

select is(pg_temp.outcome('timeout', null, null, null, null), 'retry', 'a timeout is retried');
select is(pg_temp.outcome('network', null, null, null, null), 'retry', 'a network error is retried');
select is(pg_temp.outcome('secret', null, null, null, null), 'pause', 'a token we cannot decrypt pauses the tenant');
select is(pg_temp.outcome(null, 500, null, null, null), 'retry', 'HTTP 500 without a body is retried');
select is(pg_temp.outcome(null, 503, null, null, null), 'retry', 'HTTP 503 is retried');
select is(pg_temp.outcome(null, 500, 1, null, null), 'retry', 'code 1 API Unknown is retried');
select is(pg_temp.outcome(null, 500, 2, null, true), 'retry', 'code 2 API Service is retried');
select is(pg_temp.outcome(null, 400, 4, 1504022, null), 'retry', 'code 4 app throttling is retried');
select is(pg_temp.outcome(null, 400, 17, 2446079, null), 'retry', 'code 17 user throttling is retried');
select is(pg_temp.outcome(null, 400, 32, null, null), 'retry', 'code 32 is retried');
select is(pg_temp.outcome(null, 400, 341, null, null), 'retry', 'code 341 is retried');
select is(pg_temp.outcome(null, 400, 368, null, null), 'retry', 'code 368 (temporarily blocked) is retried');
select is(pg_temp.outcome(null, 400, 613, 1487742, null), 'retry', 'code 613 is retried');
select is(pg_temp.outcome(null, 400, 80000, null, null), 'retry', 'code 80000 (BUC) is retried');
select is(pg_temp.outcome(null, 400, 80014, null, null), 'retry', 'code 80014 (BUC) is retried');
select is(pg_temp.outcome(null, 400, 80015, null, null), 'dead', 'code 80015 is outside the BUC range');
select is(pg_temp.outcome(null, 400, 9999, null, true), 'retry', 'anything with is_transient is retried');
select is(pg_temp.outcome(null, 400, 100, 2804003, false), 'dead', '100/2804003 (too old) is a dead letter');
select is(pg_temp.outcome(null, 400, 100, 2804016, false), 'dead', '100/2804016 (not hashed) is a dead letter');
select is(pg_temp.outcome(null, 400, 100, null, false), 'dead', '100 without subcode is a dead letter');
select is(pg_temp.outcome(null, 400, 100, 33, false), 'pause', '100/33 (pixel not accessible) pauses the tenant');
select is(pg_temp.outcome(null, 401, 190, 460, false), 'pause', '190/460 (password changed) pauses the tenant');
select is(pg_temp.outcome(null, 400, 190, 463, false), 'pause', '190/463 (expired) pauses, whatever the HTTP status');
select is(pg_temp.outcome(null, 400, 190, null, false), 'pause', '190 without subcode pauses the tenant');
select is(pg_temp.outcome(null, 403, 10, null, false), 'pause', '10 permission denied pauses the tenant');
select is(pg_temp.outcome(null, 403, 200, null, false), 'pause', '200 permission pauses the tenant');
select is(pg_temp.outcome(null, 403, 299, null, false), 'pause', '299 permission pauses the tenant');
select is(pg_temp.outcome(null, 400, 104, null, false), 'pause', '104 (no token) pauses the tenant');
select is(pg_temp.outcome(null, 400, null, null, null), 'dead', 'another client error without a code is a dead letter');
select is(pg_temp.outcome(null, 302, null, null, null), 'retry', 'an unexpected answer is retried until the cap');

select is((select reason from delivery.classify_error(null, 401, 190, 460, false)), 'token_invalid',
  'the rule names the reason');
select isnt((select diagnosis from delivery.classify_error(null, 400, 100, 33, false)), null,
  'a pause rule carries a diagnosis for the tenant');
select is_empty($$ select id from delivery.error_rules where source !~ '(meta_capi\.md|inferred|secrets\.py)' $$,
  'every rule cites the reference (or says it is inferred)');
select throws_ok($$ insert into delivery.error_rules (id, outcome, reason, source) values (5, 'ignore', 'x', 'y') $$,
  '23514', null, 'the outcome is one of retry, dead, pause');

select * from finish();
rollback;
