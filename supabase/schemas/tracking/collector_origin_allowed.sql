-- Browser origins for the collector's CORS answer.
create or replace function tracking.collector_origin_allowed(key text, origin text) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (
    select 1 from tracking.endpoints e
    join tracking.allowed_origins o on o.company_id = e.company_id
    where e.public_key = key and e.kind = 'collector' and e.disabled_at is null
      and o.origin = lower(collector_origin_allowed.origin)
  )
$$;
revoke all on function tracking.collector_origin_allowed(text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.collector_origin_allowed(text,text) to service_role;
