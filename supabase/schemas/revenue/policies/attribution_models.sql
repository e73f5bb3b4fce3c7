-- Row-level security policies on revenue.attribution_models.

drop policy if exists "Anyone signed in can read the attribution models" on revenue.attribution_models;
create policy "Anyone signed in can read the attribution models" on revenue.attribution_models
for select to authenticated using (true);
