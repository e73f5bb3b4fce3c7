-- supabase db lint (plpgsql_check) at warning level: three array variables were initialised from an
-- untyped '{}' literal ("target type is different type than source type"). Bodies otherwise unchanged.

create or replace function delivery.may_send(destination bigint, out decision text, out hold_until timestamptz)
language plpgsql
set search_path = ''
as $$
declare
  s delivery.settings;
  b record;
  ov delivery.breaker_overrides;
  now_ts timestamptz := app.now();
  probes bigint [] := '{}'::bigint [];
  got bigint;
begin
  select * into s from delivery.settings;
  for b in
    select 'meta' as scope, x.id, x.state, x.opened_at, x.probe_at from delivery.breakers x where x.scope = 'meta'
    union all
    select 'destination', x.id, coalesce(x.state, 'closed'), x.opened_at, x.probe_at
    from (select destination as d) q left join delivery.breakers x on x.destination_id = q.d
  loop
    select * into ov from delivery.breaker_overrides o
    where o.scope = b.scope and o.destination_id is not distinct from (case when b.scope = 'meta' then null else destination end)
      and o.created_at <= now_ts and o.expires_at > now_ts
    order by o.created_at desc, o.id desc limit 1;
    if found then
      if ov.force = 'open' then
        decision := 'hold';
        hold_until := least(ov.expires_at, now_ts + s.breaker_cooldown);
        return;
      end if;
      continue;  -- forced closed: this scope lets everything through
    end if;
    if b.state = 'open' then
      if b.opened_at + s.breaker_cooldown > now_ts then
        decision := 'hold';
        hold_until := b.opened_at + s.breaker_cooldown;
        return;
      end if;
      probes := probes || b.id;
    elsif b.state = 'half_open' then
      if b.probe_at is not null and b.probe_at + s.probe_timeout > now_ts then
        -- the probe's answer is due within the HTTP timeout: look again soon, not after probe_timeout
        decision := 'hold';
        hold_until := least(b.probe_at + s.probe_timeout, now_ts + interval '2 seconds');
        return;
      end if;
      probes := probes || b.id;
    end if;
  end loop;
  decision := 'send';
  foreach got in array probes loop
    -- claim the probe: only one dispatcher wins the conditional update
    if exists (select 1 from delivery.breakers x where x.id = got and x.state = 'open') then
      if not delivery.set_breaker(got, 'half_open', 'cool-down over: one probe batch goes out') then
        decision := 'hold';
      end if;
    else
      update delivery.breakers x set probe_at = now_ts
      where x.id = got and x.state = 'half_open'
        and (x.probe_at is null or x.probe_at + s.probe_timeout <= now_ts);
      if not found then
        decision := 'hold';
      end if;
    end if;
    if decision = 'hold' then
      hold_until := now_ts + interval '2 seconds';
      return;
    end if;
    decision := 'probe';
  end loop;
end
$$;

create or replace function tracking.record_sale(
    inbound_pk bigint, gateway text, provider_ref text, gateway_status text, amount numeric, currency text,
    product_ref text, product_name text, visitor text, raw_user jsonb, occurred_at timestamptz,
    request text
) returns text []
language plpgsql
set search_path = ''
as $$
declare
  company uuid;
  m tracking.status_mappings;
  purchase_pk bigint;
  flags text [] := '{}'::text [];
  clean_visitor text := case when visitor ~ '^[A-Za-z0-9_.-]{8,64}$' then visitor end;
begin
  select i.company_id into company from tracking.inbound i where i.id = inbound_pk;
  m := tracking.status_mapping(company, gateway, gateway_status);
  if m.id is null then
    flags := array['unknown_status'];
  end if;
  if m.meta_event is not null then
    select r.event_pk into purchase_pk from tracking.record_event(
      company, inbound_pk, gateway, provider_ref, m.meta_event, occurred_at, 'website', null, raw_user,
      pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'value', amount, 'currency', coalesce(currency, 'BRL'), 'order_id', provider_ref,
        'content_name', product_name,
        'content_ids', case when product_ref is not null then pg_catalog.jsonb_build_array(product_ref) end,
        'content_type', case when product_ref is not null then 'product' end)),
      clean_visitor, null, request) r;
  end if;
  perform tracking.upsert_sale(
    company, gateway, provider_ref, gateway_status, coalesce(m.sale_effect, 'none'), amount, currency,
    product_ref, product_name, clean_visitor,
    pg_catalog.jsonb_build_object('em', tracking.hash_user_field('em', raw_user ->> 'em'),
                                  'ph', tracking.hash_user_field('ph', raw_user ->> 'ph')),
    occurred_at, case when m.meta_event = 'Purchase' then purchase_pk end);
  return flags;
end
$$;

create or replace function whatsapp.process_payload(company uuid, inbound_pk bigint, payload jsonb, request text)
returns text []
language plpgsql
set search_path = ''
as $$
declare
  e jsonb;
  c jsonb;
  v jsonb;
  m jsonb;
  s jsonb;
  waba text;
  phone_number text;
  names jsonb;
  flags text [] := '{}'::text [];
  seen int := 0;
  fresh int := 0;
begin
  for e in select x from pg_catalog.jsonb_array_elements(payload -> 'entry') x loop
    waba := e ->> 'id';
    for c in select x from pg_catalog.jsonb_array_elements(coalesce(e -> 'changes', '[]'::jsonb)) x loop
      v := c -> 'value';
      if c ->> 'field' is distinct from 'messages' then
        flags := pg_catalog.array_append(flags, 'unhandled_field');
        continue;
      end if;
      phone_number := v -> 'metadata' ->> 'phone_number_id';
      if not exists (select 1 from whatsapp.numbers n where n.phone_number_id = phone_number) then
        insert into whatsapp.numbers (phone_number_id, company_id, waba_id, display_phone_number, added_by)
        select phone_number, company, waba, v -> 'metadata' ->> 'display_phone_number', 'webhook'
        where exists (select 1 from whatsapp.accounts a where a.waba_id = waba and a.company_id = company)
          and phone_number ~ '^[0-9]{5,25}$'
        on conflict do nothing;
        if not found then
          flags := pg_catalog.array_append(flags, 'unknown_phone_number');
          continue;
        end if;
        flags := pg_catalog.array_append(flags, 'number_added');
      end if;
      -- profile names by wa_id (value.contacts[])
      names := (select pg_catalog.jsonb_object_agg(x ->> 'wa_id', x -> 'profile' ->> 'name')
                from pg_catalog.jsonb_array_elements(coalesce(v -> 'contacts', '[]'::jsonb)) x
                where x ->> 'wa_id' is not null);
      for m in select x from pg_catalog.jsonb_array_elements(coalesce(v -> 'messages', '[]'::jsonb)) x loop
        seen := seen + 1;
        if whatsapp.apply_inbound_message(company, inbound_pk, waba, phone_number, m, names ->> (m ->> 'from'),
                                          request) then
          fresh := fresh + 1;
        end if;
      end loop;
      for s in select x from pg_catalog.jsonb_array_elements(coalesce(v -> 'statuses', '[]'::jsonb)) x loop
        seen := seen + 1;
        if s ->> 'status' not in ('sent', 'delivered', 'read', 'played', 'failed') then
          flags := pg_catalog.array_append(flags, 'unknown_status');
        elsif whatsapp.apply_status(company, inbound_pk, phone_number, s) then
          fresh := fresh + 1;
        end if;
      end loop;
      if v ? 'errors' then
        flags := pg_catalog.array_append(flags, 'meta_errors');
      end if;
    end loop;
  end loop;
  if seen > 0 and fresh = 0 then
    flags := pg_catalog.array_append(flags, 'duplicate_delivery');
  end if;
  return flags;
end
$$;
