-- Issue 18 (the dashboard's contract), hand-written part: the audit of breaker overrides, and what the
-- dashboard follows live.

-- Who changed an override, when, and the row before and after (delivery.set_breaker_override,
-- delivery.end_breaker_override, delivery.override_breaker all write through the trigger on
-- delivery.breaker_overrides). Published to Realtime; company_id is null for the Meta-wide scope.
create table delivery.breaker_override_changes (
    id bigint generated always as identity primary key,
    override_id bigint not null,
    scope text not null check (scope in ('meta', 'destination')),
    destination_id bigint,
    company_id uuid references app.companies (id) on delete cascade,
    action text not null check (action in ('set', 'ended')),
    changed_by text not null,
    changed_at timestamptz not null default app.now(),
    before jsonb,
    after jsonb not null,
    check ((action = 'set') = (before is null))
);
comment on table delivery.breaker_override_changes is 'Audit of breaker overrides: who, when, the row before and after (published to realtime).';
create index breaker_override_changes_company_idx on delivery.breaker_override_changes (company_id, changed_at desc);
select app.guard_tenant_table('delivery.breaker_override_changes');
alter table delivery.breaker_override_changes enable row level security;

-- Ending an override sets its expiry to now, which may be the instant it was created (a frozen clock).
alter table delivery.breaker_overrides drop constraint breaker_overrides_check1;
alter table delivery.breaker_overrides add constraint breaker_overrides_expires_after_created
check (expires_at >= created_at);

-- The dashboard follows a setup session's status and steps, and override changes, live.
alter publication supabase_realtime add table setup.sessions, setup.steps, delivery.breaker_override_changes;
