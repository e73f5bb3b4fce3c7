-- The rows of an invoker view in monitoring, read with this function owner's rights and kept to the
-- companies the session's login may read (monitoring.readers; service roles and global readers: every
-- company; rows of no company, the Meta-wide breaker: everyone). The reporting views call it as
-- `reporting.rows_of(null::monitoring.<view>)`. Why a function: an invoker view read from an owner-rights
-- view still checks its tables as the caller ("a security invoker view will always check its underlying
-- base relations using the permissions of the current user", CREATE VIEW), and a Looker login has no right
-- on any table. It serves monitoring.<view> only to a login granted reporting.<view>. The caller is
-- session_user: inside this function current_user is its owner, and a login cannot change session_user.
create or replace function reporting.rows_of(view anyelement) returns setof anyelement
language plpgsql stable security definer
set search_path = ''
as $$
declare
  source regclass := (
    select c.oid from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.reltype = pg_catalog.pg_typeof(view) and c.relkind = 'v' and n.nspname = 'monitoring'
  );
  wrapper regclass := pg_catalog.to_regclass(
    'reporting.' || pg_catalog.quote_ident((select c.relname from pg_catalog.pg_class c where c.oid = source))
  );
begin
  if wrapper is null or not pg_catalog.has_table_privilege(session_user, wrapper, 'select') then
    raise exception 'reporting.rows_of serves a monitoring view only to a login granted its reporting view'
      using errcode = '42501', hint = 'not_a_reporting_view';
  end if;
  return query execute pg_catalog.format(
    'select v.* from %s as v where v.company_id is null or (select monitoring.sees_all($1)) '
    'or v.company_id = any((select monitoring.reader_companies($1))::uuid [])', source)
  using session_user;
end
$$;
comment on function reporting.rows_of(anyelement) is 'An invoker monitoring view''s rows for the Looker login of this session, as the reporting views read them.';
revoke all on function reporting.rows_of(anyelement) from public, anon, authenticated, service_role, looker_reader;
grant execute on function reporting.rows_of(anyelement) to looker_reader, service_role;
