-- Runbook: alerts firing now, newest first, with the value that fired them and their notifications.
select
    a.id,
    a.code,
    a.severity,
    a.title,
    a.subject,
    a.last_value,
    a.threshold,
    a.unit,
    a.opened_at,
    a.last_seen_at,
    a.details,
    (
        select jsonb_object_agg(n.kind || '/' || n.channel, n.status)
        from monitoring.notifications as n
        where n.alert_id = a.id
    ) as notifications
from monitoring.alerts as a
where a.status = 'firing'
order by a.opened_at desc;
