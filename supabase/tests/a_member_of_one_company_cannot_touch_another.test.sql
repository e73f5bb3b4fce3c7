-- Tenancy: a user of company A sees none of company B's rows, cannot write into B,
-- cannot move a row to B; anon sees nothing.
begin;
select plan(12);

select tests.create_user('alice');
select tests.create_user('bob');
select tests.create_user('vera');
select tests.create_company('company-a') as a \gset
select tests.create_company('company-b') as b \gset
select tests.add_member(:'a', 'alice', 'backoffice_admin');
select tests.add_member(:'b', 'bob', 'backoffice_admin');
select tests.add_member(:'a', 'vera', 'viewer');

select tests.authenticate_as('alice');
select results_eq($$ select slug from app.companies $$, array['company-a'],
  'alice sees only her company');
select results_eq($$ select count(*)::int from app.company_members where company_id = $$ || quote_literal(:'b'),
  array[0], 'alice sees none of company B''s members');
select throws_ok(
  format($$ insert into app.company_members (company_id, user_id, role)
            values (%L, tests.user_id('alice'), 'viewer') $$, :'b'),
  '42501', null, 'alice cannot add herself to company B');
select throws_ok(
  format($$ update app.company_members set company_id = %L where user_id = tests.user_id('vera') $$, :'b'),
  '42501', null, 'alice cannot move a member row to company B');
update app.companies set name = 'Hacked' where id = :'b';
select tests.clear_authentication();
select is((select name from app.companies where id = :'b'), 'Company-B', 'alice''s update of company B changed nothing');

select tests.authenticate_as('alice');
select lives_ok($$ update app.companies set name = 'Company A Ltda' $$, 'alice can rename her own company');
select tests.clear_authentication();
select is((select name from app.companies where id = :'a'), 'Company A Ltda', 'and the rename landed');

select tests.authenticate_as('vera');
update app.companies set name = 'Viewer edit' where id = :'a';
select tests.clear_authentication();
select is((select name from app.companies where id = :'a'), 'Company A Ltda', 'a viewer cannot rename the company');

select tests.authenticate_as('bob');
select results_eq($$ select slug from app.companies $$, array['company-b'], 'bob sees only his company');
select results_eq($$ select count(*)::int from app.company_members $$, array[1], 'bob sees only his membership');

select tests.authenticate_as_anon();
select throws_ok($$ select count(*) from app.companies $$, '42501', null, 'anon cannot read companies at all');
select tests.clear_authentication();

select tests.authenticate_as_service_role();
select results_eq($$ select count(*)::int from app.companies where slug like 'company-%' $$, array[2],
  'the service role sees every company');
select tests.clear_authentication();

select * from finish();
rollback;
