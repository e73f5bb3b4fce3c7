-- Connect a number (setup, sandbox, tests). A WABA belongs to one company.
create or replace function whatsapp.connect_number(
    company uuid, waba text, phone_number text, display_phone_number text default null
) returns void
language plpgsql
set search_path = ''
as $$
declare
  owner uuid;
begin
  insert into whatsapp.accounts (waba_id, company_id) values (waba, company) on conflict do nothing;
  select a.company_id into owner from whatsapp.accounts a where a.waba_id = waba;
  if owner <> company then
    raise exception 'WhatsApp Business Account % is connected to another company', waba
      using errcode = '23505';
  end if;
  insert into whatsapp.numbers (phone_number_id, company_id, waba_id, display_phone_number)
  values (phone_number, company, waba, connect_number.display_phone_number)
  on conflict (phone_number_id) do update
  set display_phone_number = coalesce(excluded.display_phone_number, whatsapp.numbers.display_phone_number)
  where whatsapp.numbers.company_id = excluded.company_id;
  if not found then
    raise exception 'phone number % is connected to another company', phone_number using errcode = '23505';
  end if;
end
$$;
revoke all on function whatsapp.connect_number(uuid,text,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function whatsapp.connect_number(uuid,text,text,text) to service_role;
