-- Estimated match quality, 0-10: an estimate from the keys present, not Meta's EMQ (no public formula;
-- meta_capi.md §7). Weights follow Meta's Help Center priority (high: em, fbc; medium: ph,
-- external_id, fbp, db, country; low: names, city, zip) plus IP+UA together:
--   em 2.5, fbc 2.0, ph 1.5, external_id 1.0, fbp 1.0, client_ip_address + client_user_agent 1.0,
--   ctwa_clid 2.0, fn 0.25, ln 0.25, db 0.25, ge 0.1, ct 0.1, st 0.1, zp 0.1, country 0.2; capped at 10.
create or replace function tracking.estimate_match_quality(user_data jsonb) returns numeric
language sql immutable parallel safe
as $$
  select least(10, round((
      case when user_data ? 'em' then 2.5 else 0 end
    + case when user_data ? 'fbc' then 2.0 else 0 end
    + case when user_data ? 'ph' then 1.5 else 0 end
    + case when user_data ? 'external_id' then 1.0 else 0 end
    + case when user_data ? 'fbp' then 1.0 else 0 end
    + case when user_data ? 'client_ip_address' and user_data ? 'client_user_agent' then 1.0 else 0 end
    + case when user_data ? 'ctwa_clid' then 2.0 else 0 end
    + case when user_data ? 'fn' then 0.25 else 0 end
    + case when user_data ? 'ln' then 0.25 else 0 end
    + case when user_data ? 'db' then 0.25 else 0 end
    + case when user_data ? 'ge' then 0.1 else 0 end
    + case when user_data ? 'ct' then 0.1 else 0 end
    + case when user_data ? 'st' then 0.1 else 0 end
    + case when user_data ? 'zp' then 0.1 else 0 end
    + case when user_data ? 'country' then 0.2 else 0 end
  )::numeric, 1))
$$;
revoke all on function tracking.estimate_match_quality(jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.estimate_match_quality(jsonb) to authenticated, service_role;
