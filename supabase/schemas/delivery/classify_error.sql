-- The rule that decides what a failed request means (delivery.error_rules, meta_capi.md §5).
create or replace function delivery.classify_error(
    failure text, http_status int, code int, subcode int, transient boolean
)
returns table (outcome text, rule_id int, reason text, diagnosis text)
language sql stable
set search_path = ''
as $$
  select r.outcome, r.id, r.reason, r.diagnosis
  from delivery.error_rules r
  where (r.failure is null or r.failure = classify_error.failure)
    and (r.http_min is null or coalesce(classify_error.http_status between r.http_min and r.http_max, false))
    and (r.code_min is null or coalesce(classify_error.code between r.code_min and r.code_max, false))
    and (r.subcode is null or r.subcode = classify_error.subcode)
    and (r.transient is null or r.transient = classify_error.transient)
  order by r.id
  limit 1
$$;
revoke all on function delivery.classify_error(text,integer,integer,integer,boolean) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.classify_error(text,integer,integer,integer,boolean) to service_role;
