-- tracking.process_inbound_batch (issue 16): the ingest worker's batch goes through as one set, one
-- statement per table: its new events are counted by one insert into monitoring.count_deltas, not one per
-- postback. A sale that comes twice in the batch is recorded in arrival order (a copy is a duplicate, a
-- refund after the approval reverses the sale). A postback that cannot be processed sends the batch
-- through one by one: that row fails, with its error, and the rest are processed.
begin;
select plan(12);

select tests.create_company('set-co') as co \gset
insert into tracking.endpoints (company_id, kind, public_key, token_sha256)
values (:'co', 'perfectpay', 'pp-set-key-00001', encode(sha256('tok-1'::bytea), 'hex'));

create function pg_temp.postback(code text, status int) returns text
language sql as $$
  select pg_catalog.jsonb_build_object('token', 'tok-1', 'code', code, 'sale_status_enum', status,
    'sale_amount', 197.9, 'currency_enum_key', 'BRL',
    'date_created', to_char(app.now() at time zone 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI:SS'),
    'customer', pg_catalog.jsonb_build_object('email', code || '@example.com'))::text
$$;

create function pg_temp.store(codes text [], statuses int []) returns bigint []
language sql as $$
  select array(
    select (a.response ->> 'inbound_id')::bigint
    from tracking.ingest_webhook_batch('perfectpay',
      array(select 'pp-set-key-00001' from pg_catalog.unnest(codes)),
      array(select pg_temp.postback(c, s) from unnest(codes, statuses) as x (c, s)),
      array(select 'tok-1' from pg_catalog.unnest(codes)),
      array(select '{}'::jsonb from pg_catalog.unnest(codes)),
      array(select 'req-' || c from pg_catalog.unnest(codes) as c)) as a
    order by a.ord)
$$;

-- ---- a clean batch: one set ------------------------------------------------------------------------
select pg_temp.store(array['S-1', 'S-2', 'S-1', 'S-3', 'S-3', 'S-4'], array[2, 2, 2, 2, 7, 1]) as batch \gset
select results_eq(
  $$select outcome, count(*)::int from tracking.process_inbound_batch('$$ || :'batch' || $$') group by 1$$,
  $$values ('processed', 6)$$, 'every postback of the batch is processed');
select is((select count(*)::int from tracking.inbound where company_id = :'co' and status = 'processed'), 6,
  'and closed');
select results_eq(
  $$select provider_ref, event_name from tracking.events where company_id = '$$ || :'co' || $$' order by 1, 2$$,
  $$values ('S-1', 'Purchase'), ('S-2', 'Purchase'), ('S-3', 'Purchase'), ('S-4', 'InitiateCheckout')$$,
  'one event per sale and Meta event: the copy of S-1 made none');
select is((select count(*)::int from monitoring.duplicates where company_id = :'co'), 1,
  'the copy is counted as a duplicate');
select results_eq(
  $$select provider_ref, sale_effect from tracking.sales where company_id = '$$ || :'co' || $$' order by 1$$,
  $$values ('S-1', 'sale'), ('S-2', 'sale'), ('S-3', 'refund'), ('S-4', 'pending')$$,
  'the refund that came after the approval in the same batch reverses the sale');
select is((select purchase_event_pk from tracking.sales where company_id = :'co' and provider_ref = 'S-3'),
  (select id from tracking.events where company_id = :'co' and provider_ref = 'S-3'),
  'the reversed sale keeps its Purchase event');
select results_eq(
  $$select event_name, n::int from monitoring.count_deltas
    where company_id = '$$ || :'co' || $$' and metric = 'event' order by 1$$,
  $$values ('InitiateCheckout', 1), ('Purchase', 3)$$,
  'the new events are counted by one insert for the batch, a row per group (one statement per table)');
select is((select count(*)::int from pgmq.q_ingest), 6, 'the messages are the caller''s to delete');

-- ---- a batch with a postback that identifies no sale: that row fails, the rest go on ----------------------
select pg_temp.store(array['T-1', 'T-2'], array[2, 2]) as good \gset
select tracking.store_inbound(:'co', 'perfectpay', 'req-bad', '{}', '{"sale_status_enum": 2}'::jsonb, false) as bad
\gset
select results_eq(
  $$select inbound_id, outcome from tracking.process_inbound_batch(array[$$ || :'bad' || $$]
      || '$$ || :'good' || $$'::bigint []) order by 1$$,
  $$select id, case when id = $$ || :'bad' || $$ then 'failed' else 'processed' end from tracking.inbound
    where id = $$ || :'bad' || $$ or id = any('$$ || :'good' || $$') order by 1$$,
  'the bad postback fails, the others are processed');
select matches((select error from tracking.inbound where id = :'bad'), 'needs code',
  'the failed row keeps the error, for a replay after the fix');
select results_eq(
  $$select provider_ref from tracking.events where company_id = '$$ || :'co' || $$' and provider_ref like 'T-%' order by 1$$,
  $$values ('T-1'), ('T-2')$$, 'the good ones became their events');
select is((select count(*)::int from tracking.inbound where status = 'received' and company_id = :'co'), 0,
  'nothing is left half-done');

select * from finish();
rollback;
