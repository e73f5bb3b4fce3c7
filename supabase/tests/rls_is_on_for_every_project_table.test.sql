-- Structural guard: a new table without RLS, a tenant policy that skips the shared predicate (or calls
-- it once per row),
-- or a function without a pinned search_path fails CI.
begin;
select plan(4);

select is_empty(
  $$ select n.nspname || '.' || c.relname
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p')
       and n.nspname in ('app', 'tracking', 'delivery', 'setup', 'monitoring', 'whatsapp', 'revenue')
       and not c.relrowsecurity $$,
  'every table in the project schemas has row level security enabled'
);

select is_empty(
  $$ select schemaname || '.' || tablename || ' / ' || policyname
     from pg_policies
     where schemaname in ('app', 'tracking', 'delivery', 'setup', 'monitoring', 'whatsapp', 'revenue')
       and 'authenticated' = any (roles)
       and (coalesce(qual, '') || coalesce(with_check, '') not like '%( SELECT app.my_company_ids(%'
            or coalesce(qual, '') || coalesce(with_check, '') like '%has_company_access%') $$,
  'every policy for authenticated users computes the caller''s companies once per statement: (select app.my_company_ids(...))'
);

-- Exempt: small immutable/stable SQL functions that the planner inlines (a SET clause forbids
-- inlining); they qualify every name instead. Never plpgsql, never security definer.
select is_empty(
  $$ select p.oid::regprocedure::text
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     join pg_language l on l.oid = p.prolang
     where n.nspname in ('app', 'tracking', 'delivery', 'setup', 'monitoring', 'whatsapp', 'revenue', 'reporting')
       and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
       and not (l.lanname = 'sql' and p.provolatile in ('i', 's') and not p.prosecdef) $$,
  'every project function pins its search_path, except inlinable pure SQL functions'
);

select is_empty(
  $$ select p.oid::regprocedure::text
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('app', 'tracking', 'delivery', 'setup', 'monitoring', 'whatsapp', 'revenue', 'reporting')
       and has_function_privilege('anon', p.oid, 'execute') $$,
  'anon can execute no project function (EXECUTE is revoked by default, granted per RPC)'
);

select * from finish();
rollback;
