-- Remember browser or lead identities on their visitors (hashed), creating the visitors if needed, a
-- batch at a time: the i-th visit is (companies[i], visitor_ids[i], seen[i], raws[i]). Visits of one
-- visitor in a batch count in their order, as if one after the other: the newest value of each field
-- wins, the landing page is the first one seen.
-- plpgsql with a generic plan: planned once per session. Planning this statement (tracking.build_user_data
-- inlined) takes tens of ms; the row-at-a-time version before it was re-planned on every call (~100 ms,
-- with user_data inlined once per field it read).
create or replace function tracking.touch_visitors(companies uuid [], visitor_ids text [], seen timestamptz [], raws jsonb [])
returns void
language plpgsql
set search_path = ''
set plan_cache_mode = 'force_generic_plan'
as $$
begin
  -- user_data computed once per visit (materialized): each reference below would otherwise inline it again
  with v as materialized (
    select x.pos, x.company_id, x.visitor_id, x.seen_at, tracking.build_user_data(x.raw, x.seen_at) as u,
           nullif(left(x.raw ->> 'url', 2000), '') as landing
    from rows from (pg_catalog.unnest(companies), pg_catalog.unnest(visitor_ids), pg_catalog.unnest(seen),
                    pg_catalog.unnest(raws)) with ordinality as x (company_id, visitor_id, seen_at, raw, pos)
  )
  insert into tracking.visitors as vv (
    company_id, visitor_id, first_seen_at, last_seen_at, fbc, fbp, client_ip_address, client_user_agent,
    landing_url, em, ph, external_id
  )
  select
    v.company_id, v.visitor_id, min(v.seen_at), max(v.seen_at),
    (pg_catalog.array_agg(v.u ->> 'fbc' order by v.pos desc) filter (where v.u ? 'fbc'))[1],
    (pg_catalog.array_agg(v.u ->> 'fbp' order by v.pos desc) filter (where v.u ? 'fbp'))[1],
    (pg_catalog.array_agg(v.u ->> 'client_ip_address' order by v.pos desc) filter (where v.u ? 'client_ip_address'))[1],
    (pg_catalog.array_agg(v.u ->> 'client_user_agent' order by v.pos desc) filter (where v.u ? 'client_user_agent'))[1],
    (pg_catalog.array_agg(v.landing order by v.pos) filter (where v.landing is not null))[1],
    (pg_catalog.array_agg(v.u ->> 'em' order by v.pos desc) filter (where v.u ? 'em'))[1],
    (pg_catalog.array_agg(v.u ->> 'ph' order by v.pos desc) filter (where v.u ? 'ph'))[1],
    (pg_catalog.array_agg(v.u ->> 'external_id' order by v.pos desc) filter (where v.u ? 'external_id'))[1]
  from v
  group by v.company_id, v.visitor_id
  -- rows locked in one global order: two batches touching the same visitors cannot deadlock
  order by v.company_id, v.visitor_id
  on conflict (company_id, visitor_id) do update set
    last_seen_at = greatest(vv.last_seen_at, excluded.last_seen_at),
    fbc = coalesce(excluded.fbc, vv.fbc),
    fbp = coalesce(excluded.fbp, vv.fbp),
    client_ip_address = coalesce(excluded.client_ip_address, vv.client_ip_address),
    client_user_agent = coalesce(excluded.client_user_agent, vv.client_user_agent),
    landing_url = coalesce(vv.landing_url, excluded.landing_url),
    em = coalesce(excluded.em, vv.em),
    ph = coalesce(excluded.ph, vv.ph),
    external_id = coalesce(excluded.external_id, vv.external_id);
end
$$;
revoke all on function tracking.touch_visitors(uuid [], text [], timestamp with time zone [], jsonb []) from public, anon, authenticated, service_role, looker_reader;
