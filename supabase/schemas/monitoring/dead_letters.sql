-- Looker Studio: open dead letters (not replayed) per company and reason code.
create or replace view monitoring.dead_letters with (security_barrier = true, security_invoker = true) as
select
    l.company_id,
    split_part(l.reason, ':', 1) as reason,
    l.error_code,
    count(*)::bigint as open_letters,
    min(l.dead_at) as oldest_dead_at,
    max(l.dead_at) as newest_dead_at
from delivery.dead_letters as l
where
    l.replayed_at is null
    and (
        (select monitoring.sees_all(current_user))
        or l.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(l.company_id)
    )
group by l.company_id, split_part(l.reason, ':', 1), l.error_code;
revoke all on table monitoring.dead_letters from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.dead_letters to service_role;
grant select on table monitoring.dead_letters to authenticated;
