-- The rule for a subject whose company may be null (platform-wide): its company's row, else the default.
create or replace function monitoring.rule_for(rule_code text, company uuid) returns bigint
language sql stable
set search_path = ''
as $$
  select x.id from (
    select r.id, r.enabled from monitoring.alert_rules r
    where r.code = rule_code and (r.company_id = company or r.company_id is null)
    order by r.company_id nulls last
    limit 1
  ) x
  where x.enabled
$$;
revoke all on function monitoring.rule_for(text,uuid) from public, anon, authenticated, service_role, looker_reader;
