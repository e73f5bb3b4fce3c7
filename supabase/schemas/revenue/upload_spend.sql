-- POST /api/v1/spend/csv, called as the signed-in user: a marketing or backoffice admin of the company
-- (which may be left out by someone who administers only one). Returns the company and rows written.
create or replace function revenue.upload_spend(company uuid, spend_rows jsonb)
returns table (company_id uuid, written int)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := revenue.admin_company(company, 'upload its spend');
begin
  return query select target, revenue.record_spend(target, 'csv', spend_rows);
end
$$;
revoke all on function revenue.upload_spend(uuid,jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.upload_spend(uuid,jsonb) to authenticated, service_role;
