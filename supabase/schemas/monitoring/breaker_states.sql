-- Looker Studio: every circuit breaker (Meta as a whole, and one per pixel) and its state.
-- The Meta-wide breaker concerns every tenant, so every reader sees it.
create or replace view monitoring.breaker_states with (security_barrier = true, security_invoker = true) as
select
    b.id as breaker_id,
    b.scope,
    b.company_id,
    b.destination_id,
    d.pixel_id,
    b.state,
    b.reason,
    b.error_rate,
    b.window_attempts,
    b.opened_at,
    b.half_open_at,
    b.closed_at,
    nullif(b.changed_at, '-infinity') as changed_at
from delivery.breakers as b
left join delivery.destinations as d on b.destination_id = d.id
where
    b.company_id is null
    or (select monitoring.sees_all(current_user))
    or b.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(b.company_id);
revoke all on table monitoring.breaker_states from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.breaker_states to service_role;
grant select on table monitoring.breaker_states to authenticated;
