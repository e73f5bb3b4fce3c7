-- Monitoring rows reach a dashboard user only for their companies: alerts, counters and the views;
-- platform-wide alerts stay with the operators; the Looker Studio role reads views, not tables.
begin;
select plan(10);

select tests.create_user('mon-a');
select tests.create_user('mon-b');
select tests.create_company('mon-co-a');
select tests.create_company('mon-co-b');
select tests.add_member((select id from app.companies where slug = 'mon-co-a'), 'mon-a', 'viewer');
select tests.add_member((select id from app.companies where slug = 'mon-co-b'), 'mon-b', 'viewer');

insert into monitoring.alerts (code, company_id, subject, severity, title, comparator, threshold, opened_at,
                               last_seen_at, last_evaluated_at)
select
    'dead_letters' as code,
    c.id as company_id,
    'company' as subject,
    'warning' as severity,
    'Dead letters - ' || c.slug as title,
    '>' as comparator,
    0 as threshold,
    now() as opened_at,
    now() as last_seen_at,
    now() as last_evaluated_at
from app.companies as c where c.slug in ('mon-co-a', 'mon-co-b');
insert into monitoring.alerts (code, company_id, subject, severity, title, comparator, threshold, opened_at,
                               last_seen_at, last_evaluated_at)
values ('meta_latency', null, 'meta', 'warning', 'Meta p95 latency', '>', 2000, now(), now(), now());
select monitoring.refresh_company_counters();

select is(
  (select count(*)::int from monitoring.notifications), 3,
  'each opened alert put its notifications in the outbox (rule-less alerts: slack only)'
);

select tests.authenticate_as('mon-a');
select results_eq(
  $$ select title from monitoring.alerts $$,
  $$ values ('Dead letters - mon-co-a') $$,
  'a member sees their company''s alert, not another company''s nor the platform-wide one'
);
select results_eq(
  $$ select c.slug from monitoring.company_counters as cc join app.companies as c on c.id = cc.company_id $$,
  $$ values ('mon-co-a'::text) $$,
  'a member sees only their company''s counters'
);
select is_empty(
  $$ select 1 from monitoring.companies as f
     join app.companies as c on c.id = f.company_id where c.slug = 'mon-co-b' $$,
  'views filter by membership too (security_invoker: the tables'' policies)'
);
select throws_ok(
  $$ select * from monitoring.setup_funnel $$, '42501', null, 'the setup funnel reads secrets: Looker only'
);
select throws_ok(
  $$ select * from monitoring.notifications $$, '42501', null, 'the outbox is not for dashboard users'
);
select throws_ok(
  $$ select * from monitoring.queue_depth $$, '42501', null, 'queue depth is platform-wide: not for tenants'
);
select tests.clear_authentication();

select ok(has_table_privilege('looker_reader', 'reporting.events_daily', 'select'), 'looker_reader reads the reporting views');
select ok(not has_table_privilege('looker_reader', 'tracking.events', 'select'), 'looker_reader reads no table');

select ok(
  exists (select 1 from monitoring.alert_rules where company_id is null and code = 'accuracy' and threshold = 95),
  'the default rules are rows'
);

select * from finish();
rollback;
