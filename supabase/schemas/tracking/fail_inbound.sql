create or replace function tracking.fail_inbound(inbound_pk bigint, err text) returns void
language sql
set search_path = ''
as $$
  select tracking.mark_inbound(array[inbound_pk], false, err)
$$;
revoke all on function tracking.fail_inbound(bigint,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.fail_inbound(bigint,text) to service_role;
