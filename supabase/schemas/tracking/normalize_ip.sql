-- client_ip_address: a valid IPv4 or IPv6 address in canonical text (IPv6 compressed, lowercase),
-- surrounding whitespace ignored; NULL for anything else, including networks ("10.0.0.0/8"), lists
-- ("1.2.3.4, 5.6.7.8"), zone ids and ports. IPv4 is checked by pattern; only text that can be IPv6
-- reaches the cast, whose error is caught (an exception block costs a subtransaction).
create or replace function tracking.normalize_ip(v text) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  s text := pg_catalog.btrim(v, e' \t\n\r\x0b\f\u00a0\u200b\ufeff');
begin
  if s ~ '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$' then
    return s;
  end if;
  if s is null or pg_catalog.length(s) > 45 or s !~ '^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$' then
    return null;
  end if;
  begin
    return pg_catalog.host(s::inet);
  exception when others then
    return null;
  end;
end
$$;
comment on function tracking.normalize_ip(text) is 'Canonical IPv4/IPv6 text, or NULL. Never raises.';
revoke all on function tracking.normalize_ip(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.normalize_ip(text) to authenticated, service_role;
