create or replace function monitoring.count_approved_sales() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, source, n, amount)
  select monitoring.day_of(v.approved_at), v.company_id, 'sale', v.gateway, count(*), coalesce(sum(v.amount), 0)
  from old_sales o join new_sales v on v.id = o.id
  where o.approved_at is null and v.approved_at is not null
  group by 1, 2, 4;
  return null;
end
$$;
revoke all on function monitoring.count_approved_sales() from public, anon, authenticated, service_role, looker_reader;
