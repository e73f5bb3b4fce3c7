-- Sales, from any gateway's adapter, become (maybe) Meta events per the status mapping, and the sales
-- table keeps the revenue: one tracking.record_events call and one tracking.upsert_sales per round.
-- What happened decides an event's action_source (tracking.sale_action_source): a renewal (the
-- gateway's charge number above 1) or a refund is system_generated; a checkout is decided by
-- tracking.record_events once it knows whether the page and the browser are known. A sale that comes
-- more than once in a batch (the gateway's retries, its status moving on) is recorded in arrival order,
-- one round per copy. A notification without an order (an abandoned cart, a ping) records nothing but
-- its flags. A platform's test notification is never live and never revenue: its event carries the
-- company's test_event_code (its setup session's, once setup is over), and without one no event is made.
-- Answers each inbound's flags: the mapping's flag (refused, abandoned_cart ...), 'unknown_status' when
-- no mapping knows the status, 'test' for a test.
create or replace function tracking.record_sales(sales tracking.sale_input [])
returns table (inbound_id bigint, flags text [])
language plpgsql
set search_path = ''
-- planned once per session: planning these statements costs more than running them for a few rows
set plan_cache_mode = 'force_generic_plan'
as $$
#variable_conflict use_column
declare
  copies int;
  round_sales tracking.sale_input [];
begin
  select coalesce(max(n.c), 0) into copies from (
    select pg_catalog.count(*) as c from pg_catalog.unnest(sales) as s
    group by s.company_id, s.gateway, s.provider_ref) as n;
  for round in 1 .. copies loop
    round_sales := case when copies = 1 then sales else array(
      select s from (
        select s, pg_catalog.row_number() over (
          partition by s.company_id, s.gateway, s.provider_ref order by s.inbound_id) as copy
        from pg_catalog.unnest(sales) as s) as x
      where x.copy = round) end;

    return query
    with mapped as (
      select s.*, m.id as mapping_id, coalesce(m.sale_effect, 'none') as sale_effect, m.flag,
        case when s.provider_ref is null or (s.test and t.code is null) then null else m.meta_event end as meta_event,
        case when s.test then pg_catalog.jsonb_build_object('test_event_code', t.code) else '{}'::jsonb end as extra,
        case when s.charge_number > 1 then 'renewal'
             when m.sale_effect in ('refund', 'chargeback') then 'refund' else 'checkout' end as happened
      from pg_catalog.unnest(round_sales) as s
      left join lateral tracking.status_mapping_of(s.company_id, s.gateway, s.gateway_status) as m on true
      left join lateral (
        select coalesce(c.test_event_code, x.test_event_code) as code
        from app.companies as c left join setup.sessions as x on x.company_id = c.id
        where s.test and c.id = s.company_id
        order by x.id desc limit 1
      ) as t on true
    ),

    recorded as (
      select r.ord, r.event_pk from tracking.record_events(array(
        select row(
          m.inbound_id, m.company_id, m.inbound_id, m.gateway, m.provider_ref, m.meta_event, m.occurred_at,
          case when m.happened <> 'checkout' then tracking.sale_action_source(m.happened, null) end, null,
          m.raw_user,
          pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
            'value', m.amount, 'currency', coalesce(m.currency, 'BRL'), 'order_id', m.provider_ref,
            'content_name', m.product_name,
            'content_ids', case when m.product_ref is not null then pg_catalog.jsonb_build_array(m.product_ref) end,
            'content_type', case when m.product_ref is not null then 'product' end)),
          case when m.visitor ~ '^[A-Za-z0-9_.-]{8,64}$' then m.visitor end, null, m.request_id,
          m.extra)::tracking.event_input
        from mapped as m where m.meta_event is not null order by m.inbound_id)) as r
    ),

    upserted as (
      select tracking.upsert_sales(array(
        select row(
          m.company_id, m.gateway, m.provider_ref, m.gateway_status, m.sale_effect, m.amount, m.currency,
          m.product_ref, m.product_name, case when m.visitor ~ '^[A-Za-z0-9_.-]{8,64}$' then m.visitor end,
          tracking.hash_user_field('em', m.raw_user ->> 'em'), tracking.hash_user_field('ph', m.raw_user ->> 'ph'),
          m.occurred_at, case when m.meta_event = 'Purchase' then r.event_pk end)::tracking.sale_state
        from mapped as m left join recorded as r on r.ord = m.inbound_id
        where m.provider_ref is not null and not m.test
        -- rows locked in one global order: two workers meeting the same sales cannot deadlock
        order by m.company_id, m.gateway, m.provider_ref)) as done
      -- the events are recorded first, whether or not a sale below reads them (a test's has no sale)
      where (select pg_catalog.count(*) from recorded) >= 0
    )

    select m.inbound_id, pg_catalog.array_remove(array[
      case when m.mapping_id is null then 'unknown_status' else m.flag end,
      case when m.test then 'test' end], null)
    from mapped as m cross join upserted
    order by m.inbound_id;
  end loop;
end
$$;
comment on function tracking.record_sales(tracking.sale_input []) is
'Record a batch of gateway sales (events through tracking.record_events, then tracking.upsert_sales).';
revoke all on function tracking.record_sales(tracking.sale_input []) from public, anon, authenticated, service_role, looker_reader;
