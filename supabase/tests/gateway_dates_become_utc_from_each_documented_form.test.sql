-- tracking.parse_time (issue 17): each platform's date form becomes the right UTC instant. Brasília's
-- wall clock follows America/Sao_Paulo, daylight saving included until it ended for good on 2019-02-17
-- (clocks went back from 00:00 to 23:00 on the 16th). At the ambiguous hour Postgres takes the later
-- instant (standard time); a wall-clock time skipped when DST began reads as standard time.
-- Every date here is a fixed input converted to a fixed instant: no clock is read, so none ages.
begin;
select plan(7);

select is(tracking.parse_time('1771935138000', 'epoch_ms'), '2026-02-24 12:12:18+00'::timestamptz,
  'epoch milliseconds (Hotmart), as a number');
select is(tracking.parse_time('"1771935138000"', 'epoch_ms'), '2026-02-24 12:12:18+00'::timestamptz,
  'epoch milliseconds as digits');
select results_eq(
  $$select tracking.parse_time(to_jsonb(v), 'utc') from unnest(array[
      '2024-07-26 14:35:13', '2024-01-09T14:45:00.000Z', '2024-01-09T11:45:00-03:00', '2024-01-09']) as v$$,
  $$values ('2024-07-26 14:35:13+00'::timestamptz), ('2024-01-09 14:45:00+00'), ('2024-01-09 14:45:00+00'),
           ('2024-01-09 00:00:00+00')$$,
  'UTC (Eduzz ISO, Utmify naive): a naive time is UTC, an offset is honoured');
select results_eq(
  $$select tracking.parse_time(to_jsonb(v), 'brt') from unnest(array[
      '2026-06-08 11:53', '2024-02-10 19:19:17', '2024-01-09T14:45:00Z']) as v$$,
  $$values ('2026-06-08 14:53:00+00'::timestamptz), ('2024-02-10 22:19:17+00'), ('2024-01-09 14:45:00+00')$$,
  'Brasília (Kiwify to the minute, Ticto/Braip/Kirvano/Monetizze to the second): UTC-3 since 2019; an offset wins');
select results_eq(
  $$select tracking.parse_time(to_jsonb(v), 'brt') from unnest(array[
      '2019-02-16 12:00:00', '2019-02-16 22:59:59', '2019-02-16 23:30:00', '2019-02-17 00:30:00',
      '2019-02-17 12:00:00', '2018-11-04 00:30:00', '2019-11-10 12:00:00']) as v$$,
  $$values ('2019-02-16 14:00:00+00'::timestamptz), ('2019-02-17 00:59:59+00'), ('2019-02-17 02:30:00+00'),
           ('2019-02-17 03:30:00+00'), ('2019-02-17 15:00:00+00'), ('2018-11-04 03:30:00+00'),
           ('2019-11-10 15:00:00+00')$$,
  'across the 2019 end of daylight saving: UTC-2 before, the ambiguous hour as standard, UTC-3 after, and no DST in late 2019');
select results_eq(
  $$select tracking.parse_time(v::jsonb, f) is null from (values
      ('"2024-02-30 10:00:00"', 'brt'), ('"10/02/2024 19:19"', 'brt'), ('"amanhã"', 'utc'), ('"177193513"', 'epoch_ms'),
      ('null', 'utc'), ('""', 'brt'), ('{"at": 1}', 'utc')) as x (v, f)$$,
  $$values (true), (true), (true), (true), (true), (true), (true)$$,
  'an impossible date, another form, text, too few digits, null, empty or an object is null');
select throws_ok($$select tracking.parse_time('"2024-01-01"', 'local')$$, '22023', 'unknown time form local',
  'an unknown form is a programming error, not a null');

select * from finish();
rollback;
