-- fbc built on the server from a click's fbclid (Meta: subdomain index 1 when no _fbc cookie was
-- stored, creation time = when the fbclid was first seen, in ms): fb.1.<unix ms>.<fbclid>.
-- The fbclid is used verbatim (case-sensitive); NULL when it is missing or blank, when it is not
-- base64url text (it would make an invalid fbc), or when seen_at is NULL or infinite.
create or replace function tracking.build_fbc(fbclid text, seen_at timestamptz) returns text
language sql immutable parallel safe
return case
  when fbclid ~ '^[A-Za-z0-9_-]+$' and pg_catalog.isfinite(seen_at)
    then nullif(pg_catalog.regexp_replace(
      'fb.1.' || pg_catalog.floor(
        extract(epoch from seen_at - timestamptz '1970-01-01 00:00:00+00') * 1000
      )::bigint::text || '.' || fbclid,
      '^(fb\.1\.[0-9]{13}\..*)$|^.*$', '\1'), '')
end;
comment on function tracking.build_fbc(text,timestamp with time zone) is 'fb.1.<unix ms of seen_at>.<fbclid verbatim>';
revoke all on function tracking.build_fbc(text,timestamp with time zone) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.build_fbc(text,timestamp with time zone) to authenticated, service_role;
