-- The rule that applies to each company for a code: its own row, else the default (enabled only).
create or replace function monitoring.company_rules(rule_code text)
returns table (company_id uuid, rule_id bigint, time_window interval, settle interval)
language sql stable
rows 100
set search_path = ''
as $$
  select c.id, r.id, r.time_window, r.settle
  from app.companies c
  cross join lateral (
    select x.id, x.time_window, x.settle, x.enabled
    from monitoring.alert_rules x
    where x.code = rule_code and (x.company_id = c.id or x.company_id is null)
    order by x.company_id nulls last
    limit 1
  ) r
  where r.enabled
$$;
revoke all on function monitoring.company_rules(text) from public, anon, authenticated, service_role, looker_reader;
