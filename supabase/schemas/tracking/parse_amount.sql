-- A gateway's amount in currency units, exactly, from the unit it documents (gateways_br.md, cross-
-- platform note 3): 'cents' (an integer, or its digits as a string), 'decimal' (a number, or "157.00";
-- "157,00" too) or 'brl' (formatted like "R$ 1.234,56"; a plain number is read as 'decimal').
-- Null when the value is absent or cannot be read as that unit.
create or replace function tracking.parse_amount(value jsonb, unit text) returns numeric
language plpgsql immutable
set search_path = ''
as $$
declare
  t text := pg_catalog.btrim(value #>> '{}', E' \t\u00a0');
begin
  if t is null or t = '' or pg_catalog.jsonb_typeof(value) not in ('number', 'string') then
    return null;
  end if;
  if unit = 'cents' then
    return case when t ~ '^[0-9]{1,15}$' then pg_catalog.round(t::numeric / 100, 2) end;
  end if;
  if unit = 'brl' then
    t := pg_catalog.btrim(pg_catalog.regexp_replace(t, '^R\$', ''), E' \u00a0');
    if t ~ '^[0-9]{1,3}(\.[0-9]{3})*(,[0-9]{1,2})?$' or t ~ '^[0-9]{1,15}(,[0-9]{1,2})?$' then
      return pg_catalog.replace(pg_catalog.replace(t, '.', ''), ',', '.')::numeric;
    end if;
  end if;
  if unit in ('decimal', 'brl') then
    if t ~ '^[0-9]{1,12}(\.[0-9]{1,6})?$' then
      return t::numeric;
    end if;
    if pg_catalog.jsonb_typeof(value) = 'string' and t ~ '^[0-9]{1,12},[0-9]{1,2}$' then
      return pg_catalog.replace(t, ',', '.')::numeric;
    end if;
    return null;
  end if;
  raise exception 'unknown amount unit %', unit using errcode = '22023';
end
$$;
comment on function tracking.parse_amount(jsonb, text) is
'An amount in currency units from cents, a decimal, or a formatted "R$ 1.234,56"; null when unreadable.';
revoke all on function tracking.parse_amount(jsonb, text) from public, anon, authenticated, service_role, looker_reader;
