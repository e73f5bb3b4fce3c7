-- tracking.parse_amount (issue 17): each platform's amount unit read exactly, as numeric (never a float):
-- cents (Kiwify, Braip, Ticto, Utmify; numbers or digit strings), decimal reais (Hotmart, Eduzz numbers;
-- Monetizze strings), and the formatted "R$ 1.234,56" (Kirvano). What cannot be read in its unit is null,
-- so that the adapter names the field.
begin;
select plan(6);

select results_eq(
  $$select tracking.parse_amount(v::jsonb, 'cents') from unnest(array['23790', '"23569"', '3990', '0', '199999999999']) as v$$,
  $$values (237.90::numeric), (235.69), (39.90), (0.00), (1999999999.99)$$,
  'cents: an integer or its digits, divided by 100 exactly');
select results_eq(
  $$select tracking.parse_amount(v::jsonb, 'cents') is null from unnest(array['80.5', '"12,50"', '-3990', '"237.90"', 'null', '""', '{}']) as v$$,
  $$values (true), (true), (true), (true), (true), (true), (true)$$,
  'cents: a fraction, a comma, a sign, a decimal string, null, empty or an object is not cents');
select results_eq(
  $$select tracking.parse_amount(v::jsonb, 'decimal') from unnest(array['97', '301.5', '"157.00"', '"157,00"', '0.1']) as v$$,
  $$values (97::numeric), (301.5), (157.00), (157.00), (0.1)$$,
  'decimal: a number or a decimal string in currency units (a decimal comma too)');
select results_eq(
  $$select tracking.parse_amount(v::jsonb, 'decimal') is null from unnest(array['"abc"', '-1', '"R$ cento"', '"1.234,56"', 'true']) as v$$,
  $$values (true), (true), (true), (true), (true)$$,
  'decimal: text, a sign, a currency symbol or thousands separators are not a decimal');
select results_eq(
  $$select tracking.parse_amount(to_jsonb(v), 'brl') from unnest(array[
      'R$ 169,80', 'R$ 1.234,56', 'R$ 12.345.678,90', '169,80', 'R$ 0,99', E'R$\u00a0169,80', 'R$ 97']) as v$$,
  $$values (169.80::numeric), (1234.56), (12345678.90), (169.80), (0.99), (169.80), (97)$$,
  'R$ formatted: thousands dots, decimal comma, with or without the symbol or a no-break space');
select results_eq(
  $$select tracking.parse_amount(to_jsonb(v), 'brl') is null from unnest(array['R$ 12.34.5', 'R$ 1,234.56', 'R$', 'USD 10,00']) as v$$,
  $$values (true), (true), (true), (true)$$,
  'R$ formatted: misplaced separators, the US form, or another currency are not read');

select * from finish();
rollback;
