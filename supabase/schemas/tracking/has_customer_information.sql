-- Meta takes an event only when user_data has customer information that can match a person: at least
-- one parameter, and not only one of the baseline-invalid sets or a subset of one (meta_capi.md §3).
create or replace function tracking.has_customer_information(user_data jsonb) returns boolean
language sql immutable
set search_path = ''
as $$
  with present as (
    select coalesce(pg_catalog.array_agg(k.key), '{}') as keys
    from pg_catalog.jsonb_each(case when pg_catalog.jsonb_typeof(user_data) = 'object' then user_data end) as k
    where k.value not in ('null'::jsonb, '""'::jsonb, '[]'::jsonb)
  )
  select p.keys <> '{}'
     and not p.keys <@ array['ct', 'country', 'st', 'zp', 'ge', 'client_user_agent']
     and not p.keys <@ array['db', 'client_user_agent']
     and not p.keys <@ array['fn', 'ge']
     and not p.keys <@ array['ln', 'ge']
  from present as p
$$;
comment on function tracking.has_customer_information(jsonb) is
'True when user_data can match a person at Meta (one customer parameter at least, not a baseline-invalid set).';
revoke all on function tracking.has_customer_information(jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.has_customer_information(jsonb) to service_role;
