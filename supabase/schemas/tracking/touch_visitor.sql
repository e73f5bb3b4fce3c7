-- Remember a browser or lead identity on the visitor (hashed), creating the visitor if needed: one
-- visit, as a batch of one (tracking.touch_visitors has the rule).
create or replace function tracking.touch_visitor(company uuid, visitor text, seen_at timestamptz, raw jsonb)
returns void
language sql
set search_path = ''
as $$
  select tracking.touch_visitors(array[company], array[visitor], array[seen_at], array[raw])
$$;
revoke all on function tracking.touch_visitor(uuid,text,timestamp with time zone,jsonb) from public, anon, authenticated, service_role, looker_reader;
