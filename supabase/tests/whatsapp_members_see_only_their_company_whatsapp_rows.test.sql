-- RLS on the WhatsApp mirror: a member of company A reads A's numbers, contacts, conversations (also
-- through whatsapp.open_windows), messages, statuses and sales, none of B's; writes nothing but A's
-- settings (as a marketing admin); never reads unrouted payloads nor calls the service functions.
begin;
select plan(17);

select tests.create_user('ana');
select tests.create_user('vito');
select tests.create_company('wa-a') as a \gset
select tests.create_company('wa-b') as b \gset
select tests.add_member(:'a', 'ana', 'marketing_admin');
select tests.add_member(:'a', 'vito', 'viewer');
select tests.freeze_time(now());

select whatsapp.connect_number(:'a', '200000000000001', '200000000000002');
select whatsapp.connect_number(:'b', '300000000000001', '300000000000002');

create function pg_temp.payload(waba text, phone text, wamid text) returns text
language sql
as $$
  select jsonb_build_object('object', 'whatsapp_business_account', 'entry', jsonb_build_array(jsonb_build_object(
    'id', waba, 'changes', jsonb_build_array(jsonb_build_object('field', 'messages', 'value', jsonb_build_object(
      'metadata', jsonb_build_object('phone_number_id', phone),
      'contacts', jsonb_build_array(jsonb_build_object('wa_id', '5531900000000', 'profile', jsonb_build_object('name', 'X'))),
      'messages', jsonb_build_array(jsonb_build_object(
        'from', '5531900000000', 'id', wamid, 'timestamp', floor(extract(epoch from app.now()))::bigint::text,
        'type', 'text', 'text', jsonb_build_object('body', 'oi'),
        'referral', jsonb_build_object('ctwa_clid', 'Aff-' || wamid, 'source_id', '120000000000001'))),
      'statuses', jsonb_build_array(jsonb_build_object(
        'id', wamid || '.out', 'status', 'sent', 'timestamp', floor(extract(epoch from app.now()))::bigint::text,
        'recipient_id', '5531900000000'))))))))::text
$$;
select http_status from whatsapp.ingest_webhook(pg_temp.payload('200000000000001', '200000000000002', 'wamid.A'), '{}', 'ra');
select http_status from whatsapp.ingest_webhook(pg_temp.payload('300000000000001', '300000000000002', 'wamid.B'), '{}', 'rb');
select http_status from whatsapp.ingest_webhook(pg_temp.payload('900000000000001', '900000000000002', 'wamid.Z'), '{}', 'rz');
insert into tracking.api_keys (company_id, name, prefix, key_sha256) values (:'b', 'k', 'tai_', repeat('b', 64));
select http_status from whatsapp.ingest_sale(repeat('b', 64), (select jsonb_build_object(
  'conversation_id', id, 'value', 10, 'sale_ref', 'S-B')::text from whatsapp.conversations where company_id = :'b'),
  null, 'rs');

select tests.authenticate_as('ana');
select is((select count(*)::int from whatsapp.accounts), 1, 'ana sees only her WABA');
select is((select count(*)::int from whatsapp.numbers), 1, 'only her number');
select is((select count(*)::int from whatsapp.contacts), 1, 'only her contact');
select is((select count(*)::int from whatsapp.conversations where company_id = :'b'), 0, 'none of B''s conversations');
select is((select count(*)::int from whatsapp.open_windows), 1, 'only her open window');
select is((select array_agg(wamid order by wamid) from whatsapp.messages), array['wamid.A', 'wamid.A.out'],
          'only her messages');
select is((select count(*)::int from whatsapp.message_statuses), 1, 'only her statuses');
select is((select count(*)::int from whatsapp.sales), 0, 'none of B''s sales');
select throws_ok($$ select * from whatsapp.unrouted $$, '42501', null, 'nobody but the service reads unrouted payloads');
select throws_ok(format($$ insert into whatsapp.conversations (company_id, contact_id, phone_number_id, waba_id,
                          wa_id, started_at, last_inbound_at) select %L, contact_id, phone_number_id, waba_id,
                          wa_id, started_at, last_inbound_at from whatsapp.conversations $$, :'a'),
  '42501', null, 'members do not write the mirror');
select throws_ok($$ select * from whatsapp.ingest_webhook('{}', '{}', 'x') $$, '42501', null,
  'members cannot call the webhook function');
select lives_ok(format($$ insert into whatsapp.settings (company_id, ad_conversation_event)
                         values (%L, 'LeadSubmitted') $$, :'a'),
  'a marketing admin maps ad conversations to LeadSubmitted');
select throws_ok(format($$ insert into whatsapp.settings (company_id, ad_conversation_event)
                          values (%L, 'LeadSubmitted') $$, :'b'),
  '42501', null, 'but not for another company');
select throws_ok(format($$ update whatsapp.settings set ad_conversation_event = 'Lead' where company_id = %L $$, :'a'),
  '23514', null, 'and only to a business-messaging event');
select tests.clear_authentication();

select tests.authenticate_as('vito');
select is((select count(*)::int from whatsapp.settings), 1, 'a viewer reads the settings');
update whatsapp.settings set ad_conversation_event = null where company_id = :'a';
select tests.clear_authentication();
select is((select ad_conversation_event from whatsapp.settings where company_id = :'a'), 'LeadSubmitted',
          'a viewer changes nothing');

select tests.authenticate_as_anon();
select throws_ok($$ select * from whatsapp.conversations $$, '42501', null, 'anon reads nothing');
select tests.clear_authentication();

select tests.unfreeze_time();
select * from finish();
rollback;
