-- Sales count on the day they are approved (approved_at is set once, never cleared).
create or replace function monitoring.count_new_sales() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, source, n, amount)
  select monitoring.day_of(s.approved_at), s.company_id, 'sale', s.gateway, count(*), coalesce(sum(s.amount), 0)
  from new_sales s
  where s.approved_at is not null
  group by 1, 2, 4;
  return null;
end
$$;
revoke all on function monitoring.count_new_sales() from public, anon, authenticated, service_role, looker_reader;
