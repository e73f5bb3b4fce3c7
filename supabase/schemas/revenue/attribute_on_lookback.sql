-- After a company's lookback changes (row trigger on revenue.settings): its attribution is rebuilt, since
-- every purchase may gain or lose touches. Definer: an admin changes the setting as themselves.
create or replace function revenue.attribute_on_lookback() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform revenue.refresh_attribution(new.company_id);
  return null;
end
$$;
revoke all on function revenue.attribute_on_lookback() from public, anon, authenticated, service_role, looker_reader;
