-- A gateway's date as a UTC instant, from the form it documents (gateways_br.md, cross-platform note 4):
-- 'epoch_ms' (Hotmart: milliseconds, as a number or digits), 'utc' (ISO 8601; a time without an offset is
-- UTC: Eduzz, Utmify) or 'brt' (a time without an offset is Brasília's wall clock, America/Sao_Paulo,
-- daylight saving included until it ended in 2019: Kiwify, Monetizze, Braip, Kirvano, Ticto, Perfect
-- Pay). A value with its own offset or Z is read as written in every form. Null when absent or
-- unreadable (an impossible date such as 2024-02-30 included).
create or replace function tracking.parse_time(value jsonb, form text) returns timestamptz
language plpgsql stable
set search_path = ''
as $$
declare
  t text := pg_catalog.btrim(value #>> '{}');
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
  if t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$' then
    return null;
  end if;
  begin
    if t ~ '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$' and t ~ '[ T]' then
      return t::timestamptz;
    end if;
    return t::timestamp at time zone (case form when 'brt' then 'America/Sao_Paulo' else 'UTC' end);
  exception when datetime_field_overflow or invalid_datetime_format then
    return null;
  end;
end
$$;
comment on function tracking.parse_time(jsonb, text) is
'A gateway date (epoch ms, ISO/naive UTC, or naive Brasília time) as a UTC instant; null when unreadable.';
revoke all on function tracking.parse_time(jsonb, text) from public, anon, authenticated, service_role, looker_reader;
