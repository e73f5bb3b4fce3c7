-- A postback refused at the door is the lead's to fix: posted with a token other than the one they gave,
-- or with an amount or currency that would certainly fail (tracking.perfectpay_field_problem).
create or replace function setup.note_rejected_postback() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  s setup.sessions;
begin
  select * into s from setup.sessions x where x.company_id = new.company_id and x.gateway = new.source;
  if found then
    perform setup.fail_step(s.id, 'validate_gateway',
      case when new.error_code <> 'invalid_field' then 'gateway.token_mismatch'
           when new.message like 'sale_amount%' then 'event.purchase_value'
           else 'event.purchase_currency' end,
      pg_catalog.format('a %s postback was refused at %s: %s', new.source, new.received_at, new.message));
  end if;
  return null;
end
$$;
revoke all on function setup.note_rejected_postback() from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.note_rejected_postback() to service_role;
