-- How an invalid event's last_error reads: '<rule>: <what is wrong>' (the rule's diagnosis, in English;
-- the setup diagnosis shows it in pt-BR too).
create or replace function tracking.rule_message(rule text) returns text
language sql stable
set search_path = ''
as $$
  select rule || ': ' || coalesce((select d.message_en from tracking.meta_event_rules r
                                   join setup.diagnosis_rules d on d.code = r.diagnosis_code
                                   where r.code = rule), 'breaks a Meta rule')
$$;
revoke all on function tracking.rule_message(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.rule_message(text) to service_role;
