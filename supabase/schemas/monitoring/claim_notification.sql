-- The notifier, in the transaction that sends: lock one pending notification (skip it when another
-- notifier holds it) and return what the message needs. Nothing when it is gone, done or held.
create or replace function monitoring.claim_notification(notification bigint)
returns table (
    id bigint, channel text, kind text, attempts int, alert jsonb
)
language sql
set search_path = ''
as $$
  with mine as (
    select n.id, n.channel, n.kind, n.attempts, n.alert_id
    from monitoring.notifications n
    where n.id = notification and n.status = 'pending' and n.next_attempt_at <= pg_catalog.now()
    for update skip locked
  )
  select m.id, m.channel, m.kind, m.attempts,
         pg_catalog.to_jsonb(a) || pg_catalog.jsonb_build_object(
           'company_name', c.name, 'company_slug', c.slug,
           'runbook', 'docs/runbook.md#' || pg_catalog.replace(a.code, '_', '-'))
  from mine m
  join monitoring.alerts a on a.id = m.alert_id
  left join app.companies c on c.id = a.company_id
$$;
revoke all on function monitoring.claim_notification(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.claim_notification(bigint) to service_role;
