-- The reporting schema: what Looker Studio logins read (looker_reader, monitoring.add_reader's readers).
-- Not in [api].schemas, so PostgREST never serves it and Supabase's security-definer-view lint does not
-- apply; its views (supabase/schemas/reporting/) are the only owner-rights views a reader can select.
-- The dashboard's monitoring and revenue views become security_invoker in the generated migration
-- that follows.
create schema reporting;
revoke all on schema reporting from public;
