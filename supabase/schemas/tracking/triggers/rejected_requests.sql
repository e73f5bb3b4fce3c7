-- Triggers on tracking.rejected_requests.

create or replace trigger keep_company_id
before update of company_id on tracking.rejected_requests
for each row
execute function app.keep_company_id();

create or replace trigger rejected_postbacks_reach_setup after insert on tracking.rejected_requests
for each row when (
  new.company_id is not null and new.error_code in ('invalid_token', 'bad_signature', 'invalid_field')
)
execute function setup.note_rejected_postback();
