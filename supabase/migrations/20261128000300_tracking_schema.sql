-- Schemas of the conversion pipeline. Tables arrive in later migrations.
create schema tracking;
comment on schema tracking is 'Ingestion: inbound requests, normalisation and hashing, visitors, matching, events.';
grant usage on schema tracking to authenticated, service_role;

create schema delivery;
comment on schema delivery is 'Dispatch to Meta: attempts, retries, dead letters, circuit breakers.';
grant usage on schema delivery to authenticated, service_role;
