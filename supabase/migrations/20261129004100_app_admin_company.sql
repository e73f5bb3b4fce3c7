-- One home for "the company a signed-in admin acts for" (it was written twice: inside
-- delivery.retry_failed and as revenue.admin_company): app.admin_company, used by both.
create function app.admin_company(company uuid, action text) returns uuid
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  target uuid := company;
  n int;
begin
  if uid is null then
    raise exception 'sign in first' using errcode = '42501';
  end if;
  if target is null then
    select count(*), pg_catalog.min(m.company_id::text)::uuid into n, target
    from app.company_members m
    where m.user_id = uid and app.role_rank(m.role) >= app.role_rank('marketing_admin');
    if n > 1 then
      raise exception 'you administer % companies: say which one (company_id)', n using errcode = '22023';
    end if;
  end if;
  if target is null or not app.has_company_access(target, 'marketing_admin') then
    raise exception 'only a marketing or backoffice admin of the company may %', action using errcode = '42501';
  end if;
  return target;
end
$$;

create or replace function revenue.admin_company(company uuid, action text) returns uuid
language sql stable
security definer
set search_path = ''
as $$
  select app.admin_company(company, action)
$$;

-- POST /api/meta/retry-failed, run as the caller: a marketing or backoffice admin re-queues their
-- company's dead letters (company null: the one company they administer).
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

revoke execute on function app.admin_company(uuid, text) from public, anon;
grant execute on function app.admin_company(uuid, text) to authenticated, service_role;
