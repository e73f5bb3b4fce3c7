-- The evaluation pg_cron runs every minute: fold the rollup, judge every rule, open / update / resolve
-- alerts (their notifications follow by trigger), refresh the dashboard counters. One at a time.
create or replace function monitoring.evaluate_alerts() returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  as_of timestamptz := app.now();
  run bigint;
  o record;
  opened int := 0;
  updated int := 0;
  resolved int := 0;
  label text;
begin
  if not pg_catalog.pg_try_advisory_xact_lock(7316228012) then
    return pg_catalog.jsonb_build_object('skipped', 'another evaluation is running');
  end if;
  run := pg_catalog.nextval('monitoring.evaluation_runs'::regclass);
  perform monitoring.fold_counts();

  for o in
    select ob.*, r.comparator, r.threshold, r.severity, r.title, r.unit,
           coalesce(ob.value is not null and ob.samples >= r.min_samples
                    and case r.comparator when '>' then ob.value > r.threshold else ob.value < r.threshold end,
                    false) as firing,
           coalesce(ob.value is null or ob.samples < r.min_samples
                    or case r.comparator when '>' then ob.value <= r.clear_threshold
                                         else ob.value >= r.clear_threshold end,
                    true) as clear
    from monitoring.observe(as_of) ob
    join monitoring.alert_rules r on r.id = ob.rule_id
  loop
    if o.firing then
      update monitoring.alerts a set
        last_value = o.value,
        peak_value = case when o.comparator = '>' then greatest(a.peak_value, o.value)
                          else least(a.peak_value, o.value) end,
        samples = o.samples, details = o.details, severity = o.severity,
        delivery_alert_id = coalesce(o.delivery_alert_id, a.delivery_alert_id),
        last_seen_at = as_of, last_evaluated_at = as_of, last_run = run, clear_streak = 0
      where a.code = o.code and a.company_id is not distinct from o.company_id and a.subject = o.subject
        and a.status = 'firing';
      if found then
        updated := updated + 1;
      else
        label := case
          when o.company_id is null then 'Meta (all tenants)'
          else (select c.slug from app.companies c where c.id = o.company_id)
        end || case
          when o.subject like 'destination:%' or (o.subject like 'breaker:%' and o.subject <> 'breaker:meta')
            then ' / pixel ' || coalesce(o.details ->> 'pixel_id', pg_catalog.split_part(o.subject, ':', 2))
          else ''
        end;
        insert into monitoring.alerts (rule_id, code, company_id, subject, severity, title, comparator, threshold,
                                       unit, first_value, last_value, peak_value, samples, details,
                                       delivery_alert_id, opened_at, last_seen_at, last_evaluated_at, last_run)
        values (o.rule_id, o.code, o.company_id, o.subject, o.severity, o.title || ' - ' || label, o.comparator,
                o.threshold, o.unit, o.value, o.value, o.value, o.samples, o.details, o.delivery_alert_id, as_of, as_of,
                as_of, run);
        opened := opened + 1;
      end if;
    elsif not o.clear then
      -- between clear_threshold and threshold (the hysteresis band): still firing, the clear streak restarts
      update monitoring.alerts a set
        last_value = o.value, samples = o.samples, last_evaluated_at = as_of, last_run = run, clear_streak = 0
      where a.code = o.code and a.company_id is not distinct from o.company_id and a.subject = o.subject
        and a.status = 'firing';
    else
      update monitoring.alerts a set last_value = o.value, samples = o.samples
      where a.code = o.code and a.company_id is not distinct from o.company_id and a.subject = o.subject
        and a.status = 'firing';
    end if;
  end loop;

  -- open alerts this run did not find firing (clear, or no longer observed at all): one more clear
  -- evaluation; resolved once their rule's clear_evaluations are reached
  update monitoring.alerts a set clear_streak = a.clear_streak + 1, last_evaluated_at = as_of, last_run = run
  where a.status = 'firing' and a.last_run <> run;
  with done as (
    update monitoring.alerts a set status = 'resolved', resolved_at = as_of
    where a.status = 'firing' and a.last_run = run
      and a.clear_streak >= coalesce((select r.clear_evaluations from monitoring.alert_rules r
                                      where r.id = a.rule_id and r.enabled), 1)
    returning 1
  )
  select count(*) into resolved from done;

  delete from monitoring.duplicates d where d.seen_at < as_of - interval '400 days';
  perform monitoring.refresh_company_counters();
  return pg_catalog.jsonb_build_object('run', run, 'opened', opened, 'updated', updated, 'resolved', resolved);
end
$$;
revoke all on function monitoring.evaluate_alerts() from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.evaluate_alerts() to service_role;
