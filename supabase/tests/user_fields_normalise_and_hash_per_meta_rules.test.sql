-- user_data fields are normalised by Meta's written rules (Brazil first) and hashed as SHA-256 hex of
-- the normalised UTF-8 value; pre-hashed values pass through, garbage becomes NULL, nothing raises.
begin;
select plan(182);

create temp table normalise_cases (field text, input text, expected text, why text) on commit drop;
insert into normalise_cases values
  -- em: trim + lowercase, must look like an address
  ('em', '  John.Doe@Example.COM ', 'john.doe@example.com', 'trimmed and lowercased'),
  ('em', 'ana+promo@gmail.com.br', 'ana+promo@gmail.com.br', 'plus tags and subdomains stay'),
  ('em', 'Jöse@exämple.com', 'jöse@exämple.com', 'non-ASCII letters stay'),
  ('em', 'ana@gmail', null, 'a domain without a TLD is rejected'),
  ('em', 'ana maria@gmail.com', null, 'inner spaces are rejected'),
  ('em', 'ana@@gmail.com', null, 'two @ are rejected'),
  ('em', 'Ana <ana@gmail.com>', null, 'a display name is rejected'),
  ('em', 'ana@gmail..com', null, 'an empty domain label is rejected'),
  ('em', e'ana\u00a0maria@gmail.com', null, 'a no-break space is rejected'),
  ('em', 'não informado', null, 'text is rejected'),
  -- ph: digits with country code; Brazilian national numbers get 55
  ('ph', '(11) 98765-4321', '5511987654321', 'a BR mobile without country code gets 55'),
  ('ph', '+55 11 98765-4321', '5511987654321', 'a BR mobile with +55 is kept'),
  ('ph', '5511987654321', '5511987654321', 'a BR mobile with 55 is kept'),
  ('ph', '011 98765-4321', '5511987654321', 'the trunk prefix 0 is dropped'),
  ('ph', '0055 11 98765-4321', '5511987654321', 'the international prefix 00 is dropped'),
  ('ph', '(21) 3456-7890', '552134567890', 'a BR landline gets 55'),
  ('ph', '55 (55) 99876-5432', '5555998765432', 'DDD 55 with country code is kept'),
  ('ph', '(55) 99876-5432', '5555998765432', 'DDD 55 without country code gets 55'),
  ('ph', '+1 (650) 555-1212', '16505551212', 'NANP with +1 is kept (Meta''s example)'),
  ('ph', '12345678901', '12345678901', 'Meta''s 11-digit example is kept as it is'),
  ('ph', '+351 912 345 678', '351912345678', 'a Portuguese mobile is kept'),
  ('ph', '+56 9 1234 5678', '56912345678', 'a Chilean mobile is kept (56 is no DDD)'),
  ('ph', '(650)555-1212', '6505551212', 'a US number without +1 gets no country code'),
  ('ph', '(11) 8765-4321', '1187654321', 'a BR number of no valid shape is not given 55'),
  ('ph', 'tel: 11.98765.4321 (cel)', '5511987654321', 'letters and symbols are removed'),
  -- ph: the country code the source gives is kept; 55 only when none is given and the number is a
  -- valid Brazilian one (DDD + 9-digit mobile 9... or 8-digit landline 2-5...)
  ('ph', '+34 911 234 567', '34911234567', 'Spain +34 keeps its code, though 34 is also a DDD'),
  ('ph', '+34 911234567', '34911234567', 'Spain as Perfect Pay''s phone_extension 34 hands it over'),
  ('ph', '0034 911 234 567', '34911234567', 'Spain with the international prefix 00 keeps its code'),
  ('ph', '(34) 91123-4567', '5534911234567', 'DDD 34 without a country code is Brazilian: 55 added'),
  ('ph', '34911234567', '5534911234567', 'the same digits with no code given are read as Brazilian'),
  ('ph', '+55 34 91123-4567', '5534911234567', 'DDD 34 with +55 is kept'),
  ('ph', '+351 21 123 4567', '351211234567', 'a Portuguese landline is kept'),
  ('ph', '+54 9 11 2345-6789', '5491123456789', 'an Argentine mobile keeps its 9 (E.164 +54 9 <area> <number>)'),
  ('ph', '5491123456789', '5491123456789', 'an Argentine mobile in digits is kept, 9 included'),
  ('ph', '+54 341 234-5678', '543412345678', 'an Argentine landline keeps +54'),
  ('ph', '(54) 99123-4567', '5554991234567', 'DDD 54 without a country code is Brazilian: 55 added'),
  ('ph', '+51 912 345 678', '51912345678', 'a Peruvian mobile with +51 is not read as DDD 51'),
  ('ph', '+32 2 123 45 67', '3221234567', 'a Brussels number with +32 is not read as DDD 32'),
  ('ph', '123456', null, 'under 7 digits is rejected'),
  ('ph', '1234567890123456', null, 'over 15 digits (E.164) is rejected'),
  ('ph', '0000000', null, 'only zeros is rejected'),
  ('ph', 'sem telefone', null, 'no digits is rejected'),
  -- fn / ln: lowercase, letters of any script and accents kept, no punctuation, digits or spaces
  ('fn', 'Valéry', 'valéry', 'accents are kept (Meta''s example)'),
  ('fn', '정', '정', 'Hangul is kept (Meta''s example)'),
  ('fn', '  JOÃO ', 'joão', 'trimmed, lowercased, tilde kept'),
  ('fn', 'Maria Clara', 'mariaclara', 'inner spaces are removed'),
  ('fn', 'Jose' || chr(769), 'josé', 'a decomposed accent is composed (NFC)'),
  ('fn', 'Ana2', 'ana', 'digits are removed'),
  ('fn', '😀 !!', null, 'emoji and punctuation only is empty'),
  ('ln', 'D''Ávila-Souza', 'dávilasouza', 'apostrophes and hyphens are removed'),
  ('ln', 'da Silva Santos', 'dasilvasantos', 'compound surnames lose their spaces'),
  ('ln', 'Gonçalves 3º', 'gonçalves', 'ordinal marks and digits are removed'),
  -- ge
  ('ge', 'F', 'f', 'f'),
  ('ge', 'masculino', 'm', 'masculino'),
  ('ge', 'Feminino', 'f', 'Feminino'),
  ('ge', 'Fem.', 'f', 'Fem. with a dot'),
  ('ge', 'MASC', 'm', 'MASC'),
  ('ge', 'Mulher', 'f', 'Mulher'),
  ('ge', 'homem', 'm', 'homem'),
  ('ge', 'female', 'f', 'female'),
  ('ge', 'Male', 'm', 'Male'),
  ('ge', 'outro', null, 'anything else is NULL'),
  -- db: YYYYMMDD, Brazilian DD/MM first
  ('db', '19970216', '19970216', 'YYYYMMDD is kept'),
  ('db', '1997-02-16', '19970216', 'YYYY-MM-DD'),
  ('db', '16/02/1997', '19970216', 'DD/MM/YYYY'),
  ('db', '5/6/1990', '19900605', 'D/M/YYYY is day first: 5 June'),
  ('db', '05.06.1990', '19900605', 'dots as separators'),
  ('db', '2/16/1997', '19970216', 'MM/DD only when DD/MM is impossible (Meta''s example)'),
  ('db', '1990-05-17T03:00:00.000Z', '19900517', 'an ISO timestamp keeps its date'),
  ('db', '29/02/2000', '20000229', '2000 is a leap year'),
  ('db', '29/02/1900', null, '1900 is not a leap year'),
  ('db', '29/02/2001', null, '2001 is not a leap year'),
  ('db', '31/04/1990', null, 'April has 30 days'),
  ('db', '1899-12-31', null, 'before 1900 is rejected'),
  ('db', '13/13/1990', null, 'no reading gives a date'),
  ('db', '16/02/97', null, 'two-digit years are rejected'),
  ('db', 'ontem', null, 'text is rejected'),
  -- ct: like names
  ('ct', 'São Paulo', 'sãopaulo', 'accent kept, space removed'),
  ('ct', 'New York', 'newyork', 'Meta''s example'),
  ('ct', 'Ribeirão Preto - SP', 'ribeirãopretosp', 'punctuation removed'),
  -- st: UF codes
  ('st', 'São Paulo', 'sp', 'São Paulo is sp'),
  ('st', 'SAO PAULO', 'sp', 'without accents too'),
  ('st', ' RJ ', 'rj', 'a code is trimmed and lowercased'),
  ('st', 'Rio Grande do Sul', 'rs', 'Rio Grande do Sul'),
  ('st', 'Texas', 'tx', 'a US state name maps to its ANSI code'),
  ('st', 'Île-de-France', 'îledefrance', 'others are normalised like ct'),
  -- zp
  ('zp', '01310-100', '01310100', 'a CEP keeps its 8 digits'),
  ('zp', ' 01310 100 ', '01310100', 'spaces are removed'),
  ('zp', '94035', '94035', 'a US zip'),
  ('zp', '98121-4892', '98121', 'US ZIP+4 is cut to 5 digits'),
  ('zp', 'M1 1AE', 'm11ae', 'UK postcode'),
  ('zp', 'n/a', null, 'no digit is rejected'),
  -- country
  ('country', 'BR', 'br', 'a code is lowercased'),
  ('country', ' br ', 'br', 'and trimmed'),
  ('country', 'Brasil', 'br', 'Brasil'),
  ('country', 'Brazil', 'br', 'Brazil'),
  ('country', 'Estados Unidos', 'us', 'Estados Unidos'),
  ('country', 'United States', 'us', 'United States (Meta''s example)'),
  ('country', 'Portugal', 'pt', 'Portugal'),
  ('country', 'México', 'mx', 'México'),
  ('country', 'UK', 'gb', 'UK is gb'),
  ('country', 'XX', null, 'an unassigned code is rejected'),
  ('country', 'Atlantis', null, 'an unknown name is rejected'),
  -- external_id
  ('external_id', '529.982.247-25', '52998224725', 'a punctuated valid CPF becomes its digits'),
  ('external_id', '52998224725', '52998224725', 'a bare valid CPF stays'),
  ('external_id', '529.982.247-26', null, 'a CPF failing its check digits is sent in no field'),
  ('external_id', '111.111.111-11', null, 'a repeated-digit CPF is no CPF: sent in no field'),
  ('external_id', '000.000.000-00', null, 'the placeholder CPF is sent in no field'),
  ('external_id', '00000000000', null, 'the bare placeholder CPF is sent in no field'),
  ('external_id', '52998224726', '52998224726', 'bare digits failing the CPF check may be another id: kept'),
  ('external_id', '11.222.333/0001-81', '11222333000181', 'a punctuated valid CNPJ becomes its digits'),
  ('external_id', '11222333000181', '11222333000181', 'a bare valid CNPJ stays'),
  ('external_id', '11.222.333/0001-82', null, 'a CNPJ failing its check digits is sent in no field'),
  ('external_id', '00.000.000/0000-00', null, 'the placeholder CNPJ is sent in no field'),
  ('external_id', '00000000000000', null, 'the bare placeholder CNPJ is sent in no field'),
  ('external_id', '12.abc.345/01de-35', '12ABC34501DE35', 'an alphanumeric CNPJ (2026) is checked and uppercased'),
  ('external_id', '12.ABC.345/01DE-36', null, 'an alphanumeric CNPJ failing its check digits is sent in no field'),
  ('external_id', '  Cus_AbC-123 ', 'Cus_AbC-123', 'other ids are trimmed, case kept'),
  ('external_id', '   ', null, 'blank is NULL'),
  -- pre-hashed, for every field
  ('em', ' 254AA248ACB47DD654CA3EA53F48C2C26D641D23D7E2E93A1EC56258DF7674C4 ',
   '254aa248acb47dd654ca3ea53f48c2c26d641d23d7e2e93a1ec56258df7674c4', 'a SHA-256 is lowercased, not re-normalised'),
  ('ph', '254aa248acb47dd654ca3ea53f48c2c26d641d23d7e2e93a1ec56258df7674c4',
   '254aa248acb47dd654ca3ea53f48c2c26d641d23d7e2e93a1ec56258df7674c4', 'a pre-hashed phone passes'),
  ('em', '254aa248acb47dd654ca3ea53f48c2c26d641d23d7e2e93a1ec56258df7674c', null, '63 hex digits are no hash'),
  -- garbage
  ('nope', 'ana@gmail.com', null, 'an unknown field is NULL'),
  (null, 'ana@gmail.com', null, 'a NULL field is NULL'),
  ('em', null, null, 'NULL is NULL'),
  ('fn', '', null, 'empty is NULL'),
  ('fn', e'\t\r\n\x01', null, 'control characters only is NULL'),
  ('fn', pg_catalog.repeat('a', 5000), null, 'an oversized value is NULL');

select is(tracking.normalize_user_field(field, input), expected,
  format('%s %s: %s', field,
    pg_catalog.regexp_replace(pg_catalog.left(pg_catalog.quote_nullable(input), 40), '[[:cntrl:]]', '?', 'g'), why))
from normalise_cases;

-- a gateway's CPF / CNPJ field (tracking.tax_id_if_valid): only a real one becomes external_id
select is(tracking.tax_id_if_valid('52998224725'), '52998224725', 'a valid CPF is kept');
select is(tracking.tax_id_if_valid(' 529.982.247-25 '), '52998224725', 'a punctuated valid CPF becomes its digits');
select is(tracking.tax_id_if_valid('52998224726'), null, 'a bare CPF failing its check digits is dropped');
select is(tracking.tax_id_if_valid('00000000000'), null, 'the placeholder CPF 00000000000 is dropped');
select is(tracking.tax_id_if_valid('11111111111'), null, 'a repeated-digit CPF is dropped');
select is(tracking.tax_id_if_valid('11.222.333/0001-81'), '11222333000181', 'a valid CNPJ becomes its digits');
select is(tracking.tax_id_if_valid('11222333000182'), null, 'a bare CNPJ failing its check digits is dropped');
select is(tracking.tax_id_if_valid('00000000000000'), null, 'the placeholder CNPJ is dropped');
select is(tracking.tax_id_if_valid('12abc34501de35'), '12ABC34501DE35', 'a valid alphanumeric CNPJ is uppercased');
select is(tracking.tax_id_if_valid('AB12345678'), null, 'anything else is dropped');
select is(tracking.tax_id_if_valid(null), null, 'NULL is NULL');
select ok(tracking.is_valid_cnpj('11444777000161') and not tracking.is_valid_cnpj('11444777000162')
          and not tracking.is_valid_cnpj('1144477700016') and not tracking.is_valid_cnpj('11.444.777/0001-61')
          and not tracking.is_valid_cnpj('11111111111111'),
  'is_valid_cnpj checks 14 bare characters and both check digits, and refuses one repeated digit');
select is(
  tracking.build_user_data('{"external_id": "000.000.000-00", "ph": "+34 911234567"}'::jsonb, app.now()),
  pg_catalog.jsonb_build_object('ph', pg_catalog.encode(pg_catalog.sha256('34911234567'::bytea), 'hex')),
  'build_user_data sends no external_id for a placeholder CPF and keeps a phone''s given country code');

-- the 27 UFs by name
select is(
  (select pg_catalog.array_agg(name order by name) from (values
    ('Acre', 'ac'), ('Alagoas', 'al'), ('Amapá', 'ap'), ('Amazonas', 'am'), ('Bahia', 'ba'), ('Ceará', 'ce'),
    ('Distrito Federal', 'df'), ('Espírito Santo', 'es'), ('Goiás', 'go'), ('Maranhão', 'ma'), ('Mato Grosso', 'mt'),
    ('Mato Grosso do Sul', 'ms'), ('Minas Gerais', 'mg'), ('Pará', 'pa'), ('Paraíba', 'pb'), ('Paraná', 'pr'),
    ('Pernambuco', 'pe'), ('Piauí', 'pi'), ('Rio de Janeiro', 'rj'), ('Rio Grande do Norte', 'rn'),
    ('Rio Grande do Sul', 'rs'), ('Rondônia', 'ro'), ('Roraima', 'rr'), ('Santa Catarina', 'sc'),
    ('São Paulo', 'sp'), ('Sergipe', 'se'), ('Tocantins', 'to')) uf (name, code)
    where tracking.normalize_user_field('st', name) is distinct from code),
  null,
  'every Brazilian state name maps to its UF');

-- hashing
select is(tracking.hash_user_field('ph', '12345678901'),
  '254aa248acb47dd654ca3ea53f48c2c26d641d23d7e2e93a1ec56258df7674c4', 'Meta''s published phone hash');
select is(tracking.hash_user_field('ph', '+55 (11) 98765-4321'),
  pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to('5511987654321', 'UTF8')), 'hex'),
  'a phone hashes its normalised digits');
select is(tracking.hash_user_field('fn', 'Valéry'),
  pg_catalog.encode(pg_catalog.sha256('\x76616cc3a97279'::bytea), 'hex'), 'the hash is over UTF-8 bytes');
select is(tracking.hash_user_field('em', ' 254AA248ACB47DD654CA3EA53F48C2C26D641D23D7E2E93A1EC56258DF7674C4'),
  '254aa248acb47dd654ca3ea53f48c2c26d641d23d7e2e93a1ec56258df7674c4', 'a pre-hashed value is not hashed again');
select is(tracking.hash_user_field('em', 'not an email'), null, 'no hash for a rejected value');
select is(tracking.hash_user_field('external_id', e'a\\b\\\\c'),
  pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(e'a\\b\\\\c', 'UTF8')), 'hex'),
  'backslashes are hashed as themselves');
select is_empty(
  $$ select c.field, c.input from normalise_cases c
     where tracking.hash_user_field(c.field, c.input) is distinct from case
       when tracking.normalize_user_field(c.field, c.input) ~ '^[0-9a-f]{64}$'
         then tracking.normalize_user_field(c.field, c.input)
       else pg_catalog.encode(pg_catalog.sha256(
         pg_catalog.convert_to(tracking.normalize_user_field(c.field, c.input), 'UTF8')), 'hex') end $$,
  'hash_user_field is the SHA-256 hex of normalize_user_field for every case above');

-- the birth year ceiling follows the project clock
select tests.freeze_time('2026-06-01 12:00:00+00');
select is(tracking.normalize_user_field('db', '2026-01-31'), '20260131', 'a birth date this year is accepted');
select is(tracking.normalize_user_field('db', '2027-01-01'), null, 'a birth date next year is rejected');
select tests.unfreeze_time();

-- never raises
select lives_ok(
  $$ select pg_catalog.count(tracking.hash_user_field(f, v))
     from unnest(array['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id', 'x', null]) f,
       unnest(array[null, '', ' ', e'\\', e'\\x', e'\\123', '\u0301', '💥🇧🇷', e'\x01\x7f', '99/99/9999',
         '00/00/0000', '0/0/1990', '9999999999999999999999', '(', '[', '*', '.*', '^', '$', 'a@b.c@d.e', '2/30/1997',
         pg_catalog.repeat('9', 100000), pg_catalog.repeat('é', 3000), pg_catalog.repeat('/1', 2000)]) v $$,
  'no field raises for odd values');

-- fbc / fbp
select ok(tracking.is_valid_fbc('fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk'),
  'Meta''s fbc example is valid');
select ok(tracking.is_valid_fbc('fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYX.AQIAAQEA'),
  'an fbc with a Parameter Builder appendix is valid');
select ok(not tracking.is_valid_fbc('fb.1.1554763741.IwAR2F4-dbP0l7Mn1IawQQ'), 'an fbc with seconds is invalid');
select ok(not tracking.is_valid_fbc('fb.1.1554763741205'), 'an fbc without fbclid is invalid');
select ok(not tracking.is_valid_fbc('fb.1.1554763741205.a.b.c'), 'an fbc of 6 segments is invalid');
select ok(not tracking.is_valid_fbc(null), 'a NULL fbc is invalid');
select ok(tracking.is_valid_fbp('fb.1.1596403881668.1116446470'), 'Meta''s fbp example is valid');
select ok(tracking.is_valid_fbp('fb.2.1596403881668.1116446470.Ag'), 'an fbp with an appendix is valid');
select ok(not tracking.is_valid_fbp('fb.1.1596403881668.abc'), 'an fbp with a non-numeric random is invalid');
select ok(not tracking.is_valid_fbp('_fbp=fb.1.1596403881668.1116446470'), 'a cookie header is no fbp');
select is(
  tracking.build_fbc('IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk', '2019-04-08 22:49:01.205+00'),
  'fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk',
  'build_fbc gives fb.1.<ms>.<fbclid> (Meta''s example)');
select is(tracking.build_fbc('AbC_dEf-9', '2026-11-28 10:00:00.999999-03'), 'fb.1.1795870800999.AbC_dEf-9',
  'the fbclid keeps its case and the time is truncated to ms');
select ok(tracking.is_valid_fbc(tracking.build_fbc('AbC', '2026-11-28 10:00:00+00')), 'a built fbc is valid');
select is(tracking.build_fbc(null, '2026-11-28 10:00:00+00'), null, 'no fbclid, no fbc');
select is(tracking.build_fbc('  ', '2026-11-28 10:00:00+00'), null, 'a blank fbclid gives no fbc');
select is(tracking.build_fbc('a.b c', '2026-11-28 10:00:00+00'), null, 'an fbclid that would break the fbc gives none');
select is(tracking.build_fbc('AbC', 'infinity'), null, 'an infinite time gives no fbc');
select is(tracking.build_fbc('AbC', null), null, 'no time gives no fbc');

-- client_ip_address
select is(tracking.normalize_ip(' 203.0.113.7 '), '203.0.113.7', 'IPv4 is trimmed');
select is(tracking.normalize_ip('2001:DB8:0:0::1'), '2001:db8::1', 'IPv6 is canonical');
select is(tracking.normalize_ip('::ffff:192.0.2.1'), '::ffff:192.0.2.1', 'IPv4-mapped IPv6');
select is(tracking.normalize_ip('256.1.1.1'), null, 'an octet over 255 is invalid');
select is(tracking.normalize_ip('010.1.1.1'), null, 'leading zeros are invalid');
select is(tracking.normalize_ip('10.0.0.0/8'), null, 'a network is no address');
select is(tracking.normalize_ip('1.2.3.4, 5.6.7.8'), null, 'a list is no address');
select is(tracking.normalize_ip('2001:db8::1::2'), null, 'two :: are invalid');
select is(tracking.normalize_ip('fe80::1%eth0'), null, 'a zone id is invalid');
select is(tracking.normalize_ip(null), null, 'NULL is NULL');

-- pure and fast: immutable, parallel safe, and inlinable (no SET clause) for the SQL ones
select is_empty(
  $$ select p.oid::regprocedure::text from pg_catalog.pg_proc p
     where p.pronamespace = 'tracking'::regnamespace
       and p.proname in ('normalize_user_field', 'hash_user_field', 'is_valid_fbc', 'is_valid_fbp', 'build_fbc',
                         'normalize_ip', 'is_valid_cnpj', 'tax_id_if_valid')
       and (p.provolatile <> 'i' or p.proparallel <> 's') $$,
  'the user_data functions are immutable and parallel safe');
select ok(
  (select p.proconfig is null from pg_catalog.pg_proc p
   where p.oid = 'tracking.hash_user_field(text, text)'::regprocedure),
  'hash_user_field can be inlined into its caller');

select * from finish();
rollback;
