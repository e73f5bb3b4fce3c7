-- A gateway's date as a UTC instant, from the form it documents (gateways_br.md, cross-platform note 4):
-- 'epoch_ms' (Hotmart: milliseconds, as a number or digits), 'utc' (ISO 8601; a time without an offset is
-- UTC: Eduzz, Utmify) or 'brt' (a time without an offset is Brasília's wall clock, America/Sao_Paulo,
-- daylight saving included until it ended in 2019: Kiwify, Monetizze, Braip, Kirvano, Ticto, Perfect
-- Pay). A value with its own offset or Z is read as written in every form. Null when absent or
-- unreadable (an impossible date such as 2024-02-30 included). Read field by field, never by a cast that
-- could raise: no exception block (a subtransaction per call) on the webhook path.
create or replace function tracking.parse_time(value jsonb, form text) returns timestamptz
language plpgsql stable
set search_path = ''
as $$
declare
  t text := pg_catalog.btrim(value #>> '{}');
  m text [];
  local timestamp;
  offset_digits text;
begin
  if t is null or t = '' or pg_catalog.jsonb_typeof(value) not in ('number', 'string') then
    return null;
  end if;
  if form = 'epoch_ms' then
    return case when t ~ '^[0-9]{10,15}$' then pg_catalog.to_timestamp(t::numeric / 1000) end;
  end if;
  if form not in ('utc', 'brt') then
    raise exception 'unknown time form %', form using errcode = '22023';
  end if;
  m := pg_catalog.regexp_match(t,
    '^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}(?:\.[0-9]{1,6})?))?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$');
  if m is null or m [1]::int < 1 or m [2]::int not between 1 and 12 or m [3]::int < 1
     or m [3]::int > pg_catalog.date_part('day', pg_catalog.make_date(m [1]::int, m [2]::int, 1)
                                                 + interval '1 month' - interval '1 day')
     or coalesce(m [4]::int, 0) > 23 or coalesce(m [5]::int, 0) > 59 or coalesce(m [6]::numeric, 0) >= 60 then
    return null;
  end if;
  local := pg_catalog.make_timestamp(m [1]::int, m [2]::int, m [3]::int, coalesce(m [4]::int, 0),
                                     coalesce(m [5]::int, 0), coalesce(m [6]::float8, 0));
  if m [7] is null or m [4] is null then
    return local at time zone (case form when 'brt' then 'America/Sao_Paulo' else 'UTC' end);
  end if;
  if m [7] = 'Z' then
    return local at time zone 'UTC';
  end if;
  offset_digits := pg_catalog.rpad(pg_catalog.regexp_replace(m [7], '[^0-9]', '', 'g'), 4, '0');
  return (local - (case when m [7] like '-%' then -1 else 1 end)
                  * pg_catalog.make_interval(hours => pg_catalog.left(offset_digits, 2)::int,
                                             mins => pg_catalog.right(offset_digits, 2)::int))
         at time zone 'UTC';
end
$$;
comment on function tracking.parse_time(jsonb, text) is
'A gateway date (epoch ms, ISO/naive UTC, or naive Brasília time) as a UTC instant; null when unreadable.';
revoke all on function tracking.parse_time(jsonb, text) from public, anon, authenticated, service_role, looker_reader;
