-- Looker Studio: the setup funnel per company. monitoring.setup_funnel runs with its owner's rights and filters rows
-- by the caller itself (current_user stays the login inside a view), so this view only re-exports it.
create or replace view reporting.setup_funnel with (security_barrier = true) as
select * from monitoring.setup_funnel;
revoke all on table reporting.setup_funnel from public, anon, authenticated, service_role, looker_reader;
grant select on table reporting.setup_funnel to looker_reader, service_role;
