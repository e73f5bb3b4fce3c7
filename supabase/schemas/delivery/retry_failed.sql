-- POST /api/meta/retry-failed, run as the caller (role authenticated, their JWT claims): a marketing or
-- backoffice admin re-queues their company's dead letters. company null: the one company the caller
-- administers (an error when there are several).
create or replace function delivery.retry_failed(
    company uuid default null,
    event_ids text [] default null,
    dead_since timestamptz default null,
    dead_until timestamptz default null,
    error_code int default null
)
returns table (company_id uuid, replay_id bigint, replayed int)
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  target uuid := app.admin_company(company, 'retry its failed events');
begin
  return query
  select r.company_id, r.replay_id, r.replayed
  from delivery.replay_dead(target, event_ids, dead_since, dead_until, error_code, uid, 'user:' || uid::text, 'api') r;
  if not found then
    company_id := target;
    replay_id := null;
    replayed := 0;
    return next;
  end if;
end
$$;
revoke all on function delivery.retry_failed(uuid,text[],timestamp with time zone,timestamp with time zone,integer) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.retry_failed(uuid,text[],timestamp with time zone,timestamp with time zone,integer) to authenticated, service_role;
