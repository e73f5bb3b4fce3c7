-- The content of one stored webhook request (one company's entries): every change mirrored.
-- Returns the inbound flags (duplicate_delivery, number_added, unhandled_field, ...).
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
revoke all on function whatsapp.process_payload(uuid,bigint,jsonb,text) from public, anon, authenticated, service_role, looker_reader;
