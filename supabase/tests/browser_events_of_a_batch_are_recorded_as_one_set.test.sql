-- tracking.ingest_collect_batch (issue 16): the browser events that arrive together are recorded as one
-- set. Each gets the answer it would get alone, in order (202, or 404 / 403 / 422 logged as a rejection);
-- the accepted ones are stored and become one touchpoint and one event each; a visitor seen twice in the
-- batch keeps the newest of each field and the first landing page; a copy of an event_id answers as a
-- duplicate; and the new events are counted by one insert for the batch.
begin;
select plan(9);

select tests.create_company('collect-co') as co \gset
insert into tracking.endpoints (company_id, kind, public_key) values (:'co', 'collector', 'collect-set-key-0001');
insert into tracking.allowed_origins (company_id, origin) values (:'co', 'https://loja.example.com');

create temp table answers as
select * from tracking.ingest_collect_batch(
  array['collect-set-key-0001', 'collect-set-key-0001', 'no-such-key-0000001', 'collect-set-key-0001',
        'collect-set-key-0001', 'collect-set-key-0001', 'collect-set-key-0001'],
  array['https://loja.example.com', 'https://loja.example.com', 'https://loja.example.com',
        'https://other.example.com', 'https://loja.example.com', null, 'https://loja.example.com'],
  array[
    '{"visitor_id": "visitor-set-0001", "event_name": "PageView", "event_id": "ev-set-0001",'
    ' "url": "https://loja.example.com/oferta", "fbp": "fb.1.1596403881668.1116446470", "utm_campaign": "bf"}',
    '{"visitor_id": "visitor-set-0001", "event_name": "Lead", "event_id": "ev-set-0002",'
    ' "url": "https://loja.example.com/obrigado", "fbp": "fb.1.1596403881668.2222222222",'
    ' "user_data": {"em": "ana@example.com"}}',
    '{"visitor_id": "visitor-set-0003", "event_name": "PageView", "event_id": "ev-set-0003", "url": "https://x.com/"}',
    '{"visitor_id": "visitor-set-0004", "event_name": "PageView", "event_id": "ev-set-0004", "url": "https://x.com/"}',
    '{"visitor_id": "visitor-set-0005", "event_name": "PageView", "url": "https://loja.example.com/"}',
    '{"visitor_id": "visitor-set-0001", "event_name": "PageView", "event_id": "ev-set-0001",'
    ' "url": "https://loja.example.com/oferta"}',
    '{"visitor_id": "visitor-set-0007", "event_name": "PageView", "event_id": "ev-set-0007",'
    ' "url": "https://loja.example.com/", "fbp": "fb.1.1596403881668.7777777777"}'
  ],
  array['200.1.2.3', '200.1.2.3', '200.1.2.3', '200.1.2.3', '200.1.2.3', '200.1.2.3', '200.1.2.4'],
  array['Mozilla/5.0', 'Mozilla/5.0', 'Mozilla/5.0', 'Mozilla/5.0', 'Mozilla/5.0', 'Mozilla/5.0', 'Mozilla/5.0'],
  array['rq-1', 'rq-2', 'rq-3', 'rq-4', 'rq-5', 'rq-6', 'rq-7']);

select results_eq('select ord, http_status from answers order by ord',
  $$values (1, 202), (2, 202), (3, 404), (4, 403), (5, 422), (6, 202), (7, 202)$$, 'one answer per event, in order');
select results_eq(
  $$select ord, response ->> 'event_id', (response ->> 'duplicate')::boolean from answers where http_status = 202 order by ord$$,
  $$values (1, 'ev-set-0001', false), (2, 'ev-set-0002', false), (6, 'ev-set-0001', true), (7, 'ev-set-0007', false)$$,
  'accepted events name their event_id; the copy is a duplicate');
select results_eq($$select response -> 'error' ->> 'code' from answers where http_status >= 400 order by ord$$,
  $$values ('unknown_collector_key'), ('origin_not_allowed'), ('invalid_fields')$$, 'each refusal names its reason');
select is((select count(*)::int from tracking.rejected_requests where request_id in ('rq-3', 'rq-4', 'rq-5')), 3,
  'and is logged as a rejection');
select is((select count(*)::int from tracking.inbound where company_id = :'co'), 4, 'the accepted ones are stored');
select is((select count(*)::int from tracking.touchpoints where company_id = :'co'), 4, 'one touchpoint each');
select results_eq(
  $$select fbp, landing_url, em is not null from tracking.visitors where visitor_id = 'visitor-set-0001'$$,
  $$values ('fb.1.1596403881668.2222222222', 'https://loja.example.com/oferta', true)$$,
  'the visitor seen twice keeps the newest fbp, the first landing page and the e-mail');
select results_eq(
  $$select event_id, visitor_id, match_key from tracking.events where company_id = '$$ || :'co' || $$' order by 1$$,
  $$values ('ev-set-0001', 'visitor-set-0001', 'visitor_id'), ('ev-set-0002', 'visitor-set-0001', 'visitor_id'),
           ('ev-set-0007', 'visitor-set-0007', 'visitor_id')$$,
  'one event per event_id, each matched to its visitor');
select results_eq(
  $$select event_name, n::int from monitoring.count_deltas where company_id = '$$ || :'co' || $$' and metric = 'event'
    order by 1$$,
  $$values ('Lead', 1), ('PageView', 2)$$, 'counted by one insert for the batch: a row per event name');

select * from finish();
rollback;
