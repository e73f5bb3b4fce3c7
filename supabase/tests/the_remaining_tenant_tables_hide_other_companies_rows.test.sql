-- Cross-tenant denial for the tenant tables no other suite reads as a member (found by
-- tests/test_every_table_has_rls_and_a_cross_tenant_test.py): a member of company A sees none of B's rows.
begin;
select plan(8);

select tests.create_user('ana');
select tests.create_company('rest-a') as a \gset
select tests.create_company('rest-b') as b \gset
select tests.add_member(:'a', 'ana', 'backoffice_admin');

insert into delivery.destinations (company_id, pixel_id) values (:'b', '333333');
insert into delivery.breakers (scope, destination_id, company_id)
select 'destination' as scope, d.id, d.company_id from delivery.destinations as d where d.company_id = :'b';
insert into delivery.breaker_changes (breaker_id, scope, destination_id, company_id, from_state, to_state)
select br.id, br.scope, br.destination_id, br.company_id, 'closed' as from_state, 'open' as to_state
from delivery.breakers as br where br.company_id = :'b';
insert into monitoring.count_deltas (day, company_id, metric) values (current_date, :'a', 'event'), (current_date, :'b', 'event');
insert into monitoring.daily_counts (day, company_id, metric) values (current_date, :'b', 'sale');
insert into monitoring.duplicates (company_id, event_pk, source, event_name) values (:'b', 1, 'api', 'Purchase');
insert into monitoring.readers (role_name, company_id) values ('reader_of_rest_b', :'b');
insert into tracking.event_mappings (company_id, business_event, deal_status, meta_event)
values (:'a', 'LeadCreated', '*', 'Lead'), (:'b', 'LeadCreated', '*', 'Lead');
insert into tracking.status_mappings (company_id, gateway, gateway_status, meta_event, sale_effect)
values (:'b', 'perfectpay', 'approved', 'Purchase', 'sale');

select tests.authenticate_as('ana');
select is((select count(*)::int from delivery.breaker_changes where company_id = :'b'), 0,
  'none of B''s breaker changes');
select is((select array_agg(company_id) from monitoring.count_deltas), array[:'a'::uuid],
  'count deltas (read through the invoker view monitoring.all_counts): her company''s, none of B''s');
select is((select count(*)::int from monitoring.daily_counts where company_id = :'b'), 0, 'none of B''s daily counts');
select is((select count(*)::int from monitoring.duplicates where company_id = :'b'), 0, 'none of B''s duplicates');
select throws_ok('select * from monitoring.readers', '42501', null, 'the reader logins are not readable by members');
select is((select count(*)::int from tracking.event_mappings where company_id = :'b'), 0,
  'none of B''s event mappings');
select is((select count(*)::int from tracking.event_mappings where company_id = :'a'), 1,
  'her own event mapping is readable');
select is((select count(*)::int from tracking.status_mappings where company_id = :'b'), 0,
  'none of B''s status mappings');

select * from finish();
rollback;
