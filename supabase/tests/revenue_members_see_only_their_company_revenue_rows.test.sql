-- RLS on revenue: a member of company A reads A's settings, spend, attributions, conversion rules,
-- conversions, audience jobs, members and batches (and purchases through revenue.purchases), none of B's;
-- only a marketing admin writes rules and settings; nobody but the service calls the writers.
begin;
select plan(19);

select tests.create_user('ana');
select tests.create_user('vito');
select tests.create_company('rev-a') as a \gset
select tests.create_company('rev-b') as b \gset
select tests.add_member(:'a', 'ana', 'marketing_admin');
select tests.add_member(:'a', 'vito', 'viewer');
select tests.freeze_time('2026-11-20 12:00+00');

-- the same facts in both companies
create function pg_temp.facts(company uuid, tag text) returns void
language plpgsql
as $$
begin
  insert into revenue.settings (company_id, ad_account_id) values (company, '100' || length(tag));
  perform revenue.record_spend(company, 'csv', jsonb_build_array(jsonb_build_object(
    'day', '2026-11-20', 'campaign_id', 'c-' || tag, 'spend', '10')));
  perform tracking.touch_visitor(company, 'visitor-' || tag || '-1', app.now() - interval '1 day',
                                 jsonb_build_object('em', tag || '@example.com'));
  insert into tracking.touchpoints (company_id, visitor_id, occurred_at, utm_campaign)
  values (company, 'visitor-' || tag || '-1', app.now() - interval '1 day', 'c-' || tag);
  perform tracking.upsert_sale(company, 'perfectpay', 'sale-' || tag, 'approved', 'sale', 50, 'BRL', 'P', 'Produto',
                               'visitor-' || tag || '-1', '{}', app.now(), null);
  insert into revenue.conversion_rules (company_id, name, event_name, action) values (company, 'Lead', 'Lead', 'mark');
  perform tracking.record_event(company, null, 'api', 'lead-' || tag, 'Lead', app.now(), 'system_generated', null,
                                jsonb_build_object('em', tag || '@example.com'), '{}');
  perform revenue.refresh_attribution(company);
  insert into revenue.audience_jobs (company_id, name, criteria, session_id, total)
  values (company, 'job ' || tag, '{}', 7, 1);
  insert into revenue.audience_members (job_id, position, company_id, em)
  select id, 1, company, repeat('a', 64) from revenue.audience_jobs where company_id = company;
  perform revenue.record_audience_batch((select id from revenue.audience_jobs where company_id = company), 1, true, 1,
                                        1, 0, 200, null);
end
$$;
select pg_temp.facts(:'a', 'aaa');
select pg_temp.facts(:'b', 'bbbbb');

select tests.authenticate_as('vito');
select is((select array_agg(distinct company_id) from revenue.settings), array[:'a'::uuid], 'settings: only A');
select is((select array_agg(distinct company_id) from revenue.spend), array[:'a'::uuid], 'spend: only A');
select is((select array_agg(distinct company_id) from revenue.attributions), array[:'a'::uuid], 'attributions: only A');
select is((select array_agg(distinct company_id) from revenue.conversion_rules), array[:'a'::uuid], 'rules: only A');
select is((select array_agg(distinct company_id) from revenue.conversions), array[:'a'::uuid], 'conversions: only A');
select is((select array_agg(distinct company_id) from revenue.audience_jobs), array[:'a'::uuid], 'jobs: only A');
select is((select array_agg(distinct company_id) from revenue.audience_batches), array[:'a'::uuid], 'batches: only A');
select is((select array_agg(distinct company_id) from revenue.purchases), array[:'a'::uuid], 'purchases: only A');
select is((select count(*)::int from revenue.audience_members), 0, 'a viewer reads no audience members');
select is((select array_agg(distinct company_id) from monitoring.revenue_campaign_daily), array[:'a'::uuid],
          'the ROAS view: only A');
select throws_ok(format($$ insert into revenue.conversion_rules (company_id, name, event_name, action)
                          values (%L, 'x', 'Purchase', 'mark') $$, :'a'), '42501', null, 'a viewer adds no rule');
select throws_ok(format($$ select revenue.record_spend(%L, 'csv', '[]') $$, :'a'), '42501', null,
                 'members do not call the spend writer');
select throws_ok(format($$ select revenue.refresh_attribution(%L) $$, :'a'), '42501', null,
                 'nor the attribution refresh');
select throws_ok($$ select revenue.start_audience_upload(1) $$, '42501', null, 'nor the audience worker''s functions');

select tests.authenticate_as('ana');
select is((select array_agg(distinct company_id) from revenue.audience_members), array[:'a'::uuid],
          'a marketing admin reads her audience members, only A''s');
select lives_ok(format($$ insert into revenue.conversion_rules (company_id, name, event_name, min_value, action,
                          emit_event_name) values (%L, 'High value lead', 'Lead', 500, 'emit', 'HighValueLead') $$, :'a'),
                'a marketing admin adds a rule');
select throws_ok(format($$ insert into revenue.conversion_rules (company_id, name, event_name, action)
                          values (%L, 'x', 'Purchase', 'mark') $$, :'b'), '42501', null, 'but not in B');
update revenue.settings set lookback_days = 14;
select tests.clear_authentication();
select is((select array_agg(lookback_days order by company_id = :'a' desc) from revenue.settings), array[14, 28],
          'she changes her lookback, only hers');
select tests.authenticate_as('ana');
select throws_ok(format($$ select revenue.upload_spend(%L, '[]') $$, :'b'), '42501', null,
                 'and uploads no spend for B');

select * from finish();
rollback;
