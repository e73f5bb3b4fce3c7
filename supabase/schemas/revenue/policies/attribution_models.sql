-- Row-level security policies on revenue.attribution_models.

-- the models are the same for every company: any member reads them (the revenue views, invoker, list one
-- row per model)
drop policy if exists "Members can read the attribution models" on revenue.attribution_models;
create policy "Members can read the attribution models" on revenue.attribution_models
for select to authenticated using (pg_catalog.cardinality((select app.my_company_ids())::uuid []) > 0);
