-- A notification refused at the door is the lead's to fix, whatever the gateway: posted with a token or a
-- signature other than the credential they gave (the refusal's message names the header, URL parameter
-- or body field it was looked for in), or with a field that will certainly fail, which the adapter
-- named at the start of its message (an amount, a currency, else a date or status it cannot read).
-- A notification missing what identifies it (missing_fields) is not the credential's fault: the trigger
-- on tracking.rejected_requests does not call this for it.
create or replace function setup.note_rejected_postback() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
  label text;
  field text := pg_catalog.split_part(new.message, ' ', 1);
begin
  select * into s from setup.sessions x where x.company_id = new.company_id and x.gateway = new.source;
  if found then
    select g.label into label from tracking.gateways g where g.gateway = s.gateway;
    perform setup.fail_step(s.id, 'validate_gateway',
      case when new.error_code in ('invalid_token', 'bad_signature') then 'gateway.token_mismatch'
           when new.error_code <> 'invalid_field' then 'gateway.unreadable_field'
           when field ~* 'currency' then 'event.purchase_currency'
           when field ~* '(amount|value|valor|price|priceincents)$' then 'event.purchase_value'
           else 'gateway.unreadable_field' end,
      pg_catalog.format('a %s notification was refused at %s (%s): %s', coalesce(label, new.source),
                        new.received_at, new.error_code, new.message));
  end if;
  return null;
end
$$;
revoke all on function setup.note_rejected_postback() from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.note_rejected_postback() to service_role;
