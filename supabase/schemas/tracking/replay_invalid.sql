-- Judge invalid events again after a fix (a status mapping, the company's landing page, a rule row):
-- their gateway requests are processed again, and each event that now passes the gate is queued
-- (`trackai replay --invalid`). Direct API events are not here: their client sees 'invalid' in the
-- answer and sends a corrected copy. Returns each request replayed and its outcome.
create or replace function tracking.replay_invalid(company uuid default null)
returns table (inbound_id bigint, outcome text)
language sql
set search_path = ''
as $$
  select i.id, tracking.replay_inbound(i.id)
  from tracking.inbound i
  where i.source in ('perfectpay', 'mercadopago', 'whatsapp')
    and i.id in (select e.inbound_id from tracking.events e
                 where e.status = 'invalid' and (company is null or e.company_id = company))
  order by i.id
$$;
revoke all on function tracking.replay_invalid(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.replay_invalid(uuid) to service_role;
