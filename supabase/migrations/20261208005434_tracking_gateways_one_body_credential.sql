-- tracking.ingest_webhook_batch redacts the one body field that carries a gateway's credential: a row
-- may name at most one (it may also name headers and URL parameters, tried first).
alter table tracking.gateways add constraint gateways_one_body_credential
check (array_to_string(credential_in, ' ') !~ 'body:.*body:');
