-- The people of a segment: hashed e-mail / phone, distinct.
--   {"kind": "leads_without_purchase", "days": N}: leads (visitors whose e-mail or phone we learnt, and
--     Lead events) of the last N days (1-180) who have not bought since;
--   {"kind": "buyers_of_product", "product": "X"}: buyers of product X (its code or name), net of refunds.
create or replace function revenue.segment(company uuid, criteria jsonb) returns table (em text, ph text)
language plpgsql stable
set search_path = ''
as $$
declare
  kind text := criteria ->> 'kind';
  since timestamptz;
begin
  if kind = 'leads_without_purchase' then
    if coalesce(criteria ->> 'days', '') !~ '^[0-9]{1,3}$' or (criteria ->> 'days')::int not between 1 and 180 then
      raise exception 'criteria.days must be a whole number of days from 1 to 180' using errcode = '22023';
    end if;
    since := app.now() - pg_catalog.make_interval(days => (criteria ->> 'days')::int);
    return query
    with leads as (
      select v.em, v.ph, v.visitor_id from tracking.visitors v
      where v.company_id = company and v.first_seen_at >= since and (v.em is not null or v.ph is not null)
      union
      select e.user_data ->> 'em', e.user_data ->> 'ph', e.visitor_id from tracking.events e
      where e.company_id = company and e.event_name = 'Lead' and e.event_time >= since
        and (e.user_data ? 'em' or e.user_data ? 'ph')
    )
    , buyers as materialized (
      select p.em, p.ph, p.lead_visitor_id from revenue.purchases p where p.company_id = company and p.net_amount > 0
    )
    -- three anti-joins rather than one OR: each can be hashed
    select distinct l.em, l.ph from leads l
    where not exists (select 1 from buyers b where b.em = l.em)
      and not exists (select 1 from buyers b where b.ph = l.ph)
      and not exists (select 1 from buyers b where b.lead_visitor_id = l.visitor_id);
  elsif kind = 'buyers_of_product' then
    if coalesce(btrim(criteria ->> 'product'), '') = '' then
      raise exception 'criteria.product (a product code or name) is required' using errcode = '22023';
    end if;
    return query
    select distinct p.em, p.ph from revenue.purchases p
    where p.company_id = company and p.net_amount > 0 and (p.em is not null or p.ph is not null)
      and (p.product_ref = criteria ->> 'product' or p.product_name = criteria ->> 'product');
  else
    raise exception 'criteria.kind must be leads_without_purchase or buyers_of_product' using errcode = '22023';
  end if;
end
$$;
revoke all on function revenue.segment(uuid,jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.segment(uuid,jsonb) to service_role;
