-- Tenancy: companies, members and the one predicate every policy reuses.

create table app.companies (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(btrim(name)) between 1 and 200),
    slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    test_event_code text check (test_event_code ~ '^[A-Za-z0-9]{4,32}$'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
comment on table app.companies is 'A Track AI customer (tenant). Every tenant row carries its company_id.';

create table app.company_members (
    company_id uuid not null references app.companies (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    role text not null check (role in ('backoffice_admin', 'marketing_admin', 'viewer')),
    created_at timestamptz not null default now(),
    primary key (company_id, user_id)
);
create index company_members_user_idx on app.company_members (user_id);
comment on table app.company_members is 'Who may log into the dashboard for a company, and with which role.';

create function app.role_rank(role text) returns int
language sql immutable
set search_path = ''
as $$
  select case role when 'viewer' then 1 when 'marketing_admin' then 2 when 'backoffice_admin' then 3 end
$$;

-- The one rule behind every tenant policy. security definer so policies on company_members
-- itself do not recurse.
create function app.has_company_access(company uuid, min_role text default 'viewer') returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from app.company_members m
    where m.company_id = company
      and m.user_id = (select auth.uid())
      and app.role_rank(m.role) >= app.role_rank(min_role)
  )
$$;
comment on function app.has_company_access(uuid, text) is
'True when the JWT user is a member of the company with at least min_role.';

-- company_id never moves once written, except by the service role (RLS-bypassing backend).
create function app.keep_company_id() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.company_id is distinct from old.company_id and current_user <> 'service_role'
     and coalesce((select auth.role()), '') <> 'service_role' then
    raise exception 'company_id cannot be changed'
      using errcode = '42501', hint = 'create a new row in the other company instead';
  end if;
  return new;
end
$$;

-- Applied to every tenant table by the migration that creates it.
create function app.guard_tenant_table(tbl regclass) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format(
    'create trigger keep_company_id before update of company_id on %s '
    'for each row execute function app.keep_company_id()', tbl);
end
$$;

create function app.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := app.now();
  return new;
end
$$;

create trigger touch_updated_at before update on app.companies
for each row execute function app.touch_updated_at();

-- The company's own id is its company_id: it never changes.
create function app.keep_company_pk() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.id is distinct from old.id then
    raise exception 'a company id cannot be changed' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger keep_company_pk before update of id on app.companies
for each row execute function app.keep_company_pk();

select app.guard_tenant_table('app.company_members');

alter table app.companies enable row level security;
alter table app.company_members enable row level security;

create policy "Members can read their companies" on app.companies
for select to authenticated using (app.has_company_access(id));
create policy "Backoffice admins can update their companies" on app.companies
for update to authenticated
using (app.has_company_access(id, 'backoffice_admin'))
with check (app.has_company_access(id, 'backoffice_admin'));

create policy "Members can read the members of their companies" on app.company_members
for select to authenticated using (app.has_company_access(company_id));
create policy "Backoffice admins can add members" on app.company_members
for insert to authenticated with check (app.has_company_access(company_id, 'backoffice_admin'));
create policy "Backoffice admins can change members" on app.company_members
for update to authenticated
using (app.has_company_access(company_id, 'backoffice_admin'))
with check (app.has_company_access(company_id, 'backoffice_admin'));
create policy "Backoffice admins can remove members" on app.company_members
for delete to authenticated using (app.has_company_access(company_id, 'backoffice_admin'));

grant select, update (name, test_event_code) on app.companies to authenticated;
grant select, insert, update (role), delete on app.company_members to authenticated;
grant all on app.companies, app.company_members, app.cron_heartbeat to service_role;

alter publication supabase_realtime add table app.companies;

revoke execute on all functions in schema app from public, anon;
grant execute on function app.now(), app.has_company_access(uuid, text), app.role_rank(text)
to authenticated, service_role;
