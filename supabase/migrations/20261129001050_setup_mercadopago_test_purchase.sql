-- Mercado Pago payments cannot be invented: a notification only counts once the payment it names is
-- fetched from Mercado Pago. So for a Mercado Pago session the test event is the lead's own test
-- purchase: test_event waits (retrying by itself) until a Mercado Pago sale has reached Meta, sent
-- with the session's test_event_code while the company is in test mode.
insert into setup.diagnosis_rules (code, severity, message_pt, message_en, field, next_action, retries,
                                   max_attempts, backoff_s) values
('test_event.awaiting_purchase', 'warning',
 'Aguardando uma compra de teste no seu checkout do Mercado Pago.',
 'Waiting for a test purchase through your Mercado Pago checkout.', null,
 'Faça uma compra de teste (pode ser estornada depois); o evento chega à Meta como evento de teste.',
 true, 40, 10);

-- The latest sale of the session's gateway and its fate at Meta.
create function setup.latest_gateway_event(session uuid)
returns table (event_id text, status text, fbtrace_id text, match_quality numeric)
language sql stable
set search_path = ''
as $$
  select e.event_id, e.status,
         (select a.fbtrace_id from delivery.attempts a
          where a.event_pks @> array[e.id] and a.outcome = 'sent' order by a.attempted_at desc limit 1),
         e.match_quality
  from tracking.events e join setup.sessions s on s.company_id = e.company_id and e.source = s.gateway
  where s.id = session
  order by e.id desc
  limit 1
$$;

revoke execute on function setup.latest_gateway_event(uuid) from public, anon;
grant execute on function setup.latest_gateway_event(uuid) to service_role;
