-- tracking.ingest_webhook_batch (group commit), for Perfect Pay: every postback of a batch gets the answer it would get
-- alone, in order; only the accepted ones are stored (token redacted) and queued for the ingest worker,
-- one message each; the refused ones are logged as rejections. A lone postback is the batch of one.
begin;
select plan(11);

select tests.create_company('batch-co') as co \gset
insert into tracking.endpoints (company_id, kind, public_key, token_sha256)
values (:'co', 'perfectpay', 'pp-batch-key-0001', encode(sha256('tok-1'::bytea), 'hex'));

create temp table answers as
select * from tracking.ingest_webhook_batch('perfectpay',
  array['pp-batch-key-0001', 'no-such-key-00001', 'pp-batch-key-0001', 'pp-batch-key-0001', 'pp-batch-key-0001'],
  array[
    '{"token": "tok-1", "code": "B-1", "sale_status_enum": 2}',
    '{"token": "tok-1", "code": "B-2", "sale_status_enum": 2}',
    '{"token": "wrong", "code": "B-3", "sale_status_enum": 2}',
    '{"token": "tok-1", "sale_status_enum": 2}',
    '{"token": "tok-1", "code": "B-5", "sale_status_enum": 2}'
  ],
  array['tok-1', 'tok-1', 'wrong', 'tok-1', 'tok-1'],
  array['{}', '{}', '{}', '{}', '{"user-agent": "pp"}']::jsonb [],
  array['r-1', 'r-2', 'r-3', 'r-4', 'r-5']
);

select results_eq('select ord, http_status from answers order by ord',
  $$values (1, 200), (2, 404), (3, 401), (4, 422), (5, 200)$$, 'one answer per postback, in order');
select is((select response ->> 'event_id' from answers where ord = 1),
  tracking.derive_event_id(:'co', 'perfectpay', 'B-1', 'Purchase'), 'an accepted postback names its event_id');
select is((select response -> 'error' ->> 'code' from answers where ord = 3), 'invalid_token',
  'a refused one gets its own error');
select results_eq(
  $$select body ->> 'code', request_id, status from tracking.inbound where company_id = $$ || quote_literal(:'co')
  || ' order by id',
  $$values ('B-1', 'r-1', 'received'), ('B-5', 'r-5', 'received')$$, 'only the accepted postbacks are stored');
select is((select (response ->> 'inbound_id')::bigint from answers where ord = 5),
  (select id from tracking.inbound where request_id = 'r-5'), 'each answer names its own stored row');
select is((select count(*)::int from tracking.inbound where body ->> 'token' <> '[redacted]'
           and company_id = :'co'), 0, 'the token is not stored');
select is((select headers ->> 'user-agent' from tracking.inbound where request_id = 'r-5'), 'pp',
  'each row keeps its own headers');
select results_eq(
  $$select (message ->> 'inbound')::bigint from pgmq.q_ingest order by msg_id$$,
  $$select id from tracking.inbound where source = 'perfectpay' order by id$$,
  'one ingest message per stored postback');
select results_eq(
  $$select request_id, http_status from tracking.rejected_requests where request_id like 'r-%' order by request_id$$,
  $$values ('r-2', 404), ('r-3', 401), ('r-4', 422)$$, 'the refused ones are logged as rejections');

select is(
  (select count(*)::int from tracking.ingest_webhook_batch('perfectpay',
     array['no-such-key-00001'], array['{}'], array['x'], array['{}']::jsonb [], array['r-none'])),
  1, 'a batch with nothing to store queues nothing and still answers');
select results_eq(
  $$select http_status, response ->> 'status' from tracking.ingest_webhook('perfectpay', 'pp-batch-key-0001',
      '{"token": "tok-1", "code": "B-6", "sale_status_enum": 2}', 'tok-1', '{}', 'r-6')$$,
  $$values (200, 'accepted')$$, 'a lone postback is the batch of one');

select * from finish();
rollback;
