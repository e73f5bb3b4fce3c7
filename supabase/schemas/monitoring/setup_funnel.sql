-- Looker Studio: the setup funnel per company: created -> configured (a Meta destination) -> first
-- event received -> first event accepted by Meta. Setup sessions (SPEC 3.2) do not exist yet, so the
-- stages are read from companies, destinations, events and attempts; when they land, this view
-- should read them instead. It runs with its owner's rights (has_token reads app.secrets, which only
-- backoffice admins may read), so it is granted to no dashboard user: Looker reads reporting.setup_funnel.
create or replace view monitoring.setup_funnel with (security_barrier = true) as
select
    c.id as company_id,
    c.slug,
    c.created_at,
    dest.configured_at,
    dest.has_token,
    first_event.received_at as first_event_at,
    first_sent.attempted_at as first_sent_at,
    case
        when first_sent.attempted_at is not null then 'sending'
        when first_event.received_at is not null then 'first_event'
        when dest.configured_at is not null then 'configured'
        else 'created'
    end as stage
from app.companies as c
left join lateral (
    select
        min(d.created_at) as configured_at,
        bool_or(exists (
            select 1 from app.secrets as s
            where s.company_id = d.company_id and s.kind = 'meta_capi_token'
        )) as has_token
    from delivery.destinations as d
    where d.company_id = c.id
) as dest on true
left join lateral (
    select e.received_at
    from tracking.events as e
    where e.company_id = c.id
    order by e.received_at asc
    limit 1
) as first_event on true
left join lateral (
    select a.attempted_at
    from delivery.attempts as a
    where a.company_id = c.id and a.outcome = 'sent'
    order by a.attempted_at asc
    limit 1
) as first_sent on true
where
    (select monitoring.sees_all(current_user))
    or c.id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(c.id);
revoke all on table monitoring.setup_funnel from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.setup_funnel to service_role;
