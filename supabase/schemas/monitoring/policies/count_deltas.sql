-- Row-level security policies on monitoring.count_deltas (read through the invoker view monitoring.all_counts).

drop policy if exists "Members can read their count deltas" on monitoring.count_deltas;
create policy "Members can read their count deltas" on monitoring.count_deltas
for select to authenticated using (company_id = any((select app.my_company_ids())::uuid []));
