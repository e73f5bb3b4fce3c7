-- The answer to one request (or the reason there was none), in the send transaction:
--   sent   -> events sent, messages deleted
--   retry  -> events retrying with backoff + jitter, messages re-timed (app.retime_messages); dead past the attempt cap
--             or when the next try would fall outside Meta's event_time window
--   dead   -> one event: dead-lettered with Meta's message; several: 'bisect' (the caller splits the batch)
--   pause  -> destination paused with a diagnosis and an alert; events kept queued, messages deleted
-- plus the attempt row and the breakers. Returns the outcome.
create or replace function delivery.record_attempt(
    destination bigint,
    msg_list bigint [],
    event_list bigint [],
    request_id text,
    http_status int,
    response_body text,
    latency_ms int,
    response_headers jsonb default '{}'::jsonb,
    failure text default null,
    failure_detail text default null,
    probe boolean default false
) returns text
language plpgsql
set search_path = ''
as $$
declare
  s delivery.settings;
  d delivery.destinations;
  body jsonb := delivery.try_jsonb(response_body);
  err jsonb;
  cls record;
  rule int;
  outcome text;
  attempt bigint;
  why text;
  meta_msg text;
  factor numeric;
  r record;
  now_ts timestamptz := app.now();
begin
  select * into s from delivery.settings;
  select * into d from delivery.destinations x where x.id = destination;
  if pg_catalog.jsonb_typeof(body) = 'object' and pg_catalog.jsonb_typeof(body -> 'error') = 'object' then
    err := body -> 'error';
  end if;

  if failure is null and http_status between 200 and 299 then
    outcome := 'sent';
  else
    select * into cls from delivery.classify_error(
      failure, http_status, (err ->> 'code')::int, (err ->> 'error_subcode')::int, (err ->> 'is_transient')::boolean);
    outcome := cls.outcome;
    rule := cls.rule_id;
    if outcome = 'dead' and cardinality(event_list) > 1 then
      outcome := 'bisect';
    end if;
    meta_msg := coalesce(nullif(err ->> 'error_user_msg', ''), err ->> 'message',
                         failure_detail, pg_catalog.left(response_body, 300), 'no answer');
    why := pg_catalog.format('%s: %s%s', cls.reason,
      case when err ? 'code' then pg_catalog.format('Meta error %s%s - ', err ->> 'code',
        coalesce('/' || (err ->> 'error_subcode'), '')) when http_status is not null then
        pg_catalog.format('HTTP %s - ', http_status) else '' end,
      meta_msg);
  end if;

  insert into delivery.attempts (
    company_id, destination_id, pixel_id, request_id, event_pks, event_count, probe, http_status, failure, outcome,
    rule_id, fbtrace_id, events_received, messages, latency_ms, error_code, error_subcode, error_type,
    error_message, error_user_title, error_user_msg, is_transient, response_headers, attempted_at
  ) values (
    d.company_id, destination, d.pixel_id, request_id, event_list, cardinality(event_list), probe, http_status,
    failure, outcome, rule, coalesce(body ->> 'fbtrace_id', err ->> 'fbtrace_id'),
    (body ->> 'events_received')::int, body -> 'messages', latency_ms, (err ->> 'code')::int,
    (err ->> 'error_subcode')::int, err ->> 'type', coalesce(err ->> 'message', failure_detail),
    err ->> 'error_user_title', err ->> 'error_user_msg', (err ->> 'is_transient')::boolean,
    delivery.safe_headers(response_headers), now_ts
  ) returning id into attempt;

  if outcome = 'sent' then
    update tracking.events e
    set status = 'sent', sent_at = now_ts, attempts = e.attempts + 1, next_attempt_at = null
    where e.id = any(event_list) and e.status in ('queued', 'retrying');
    perform pgmq.delete('dispatch', msg_list);
  elsif outcome = 'dead' then
    update tracking.events e set attempts = e.attempts + 1 where e.id = any(event_list);
    perform delivery.bury(event_list, msg_list, why, attempt, (err ->> 'code')::int,
                          (err ->> 'error_subcode')::int, meta_msg);
  elsif outcome = 'pause' then
    perform delivery.pause_destination(destination, cls.reason, cls.diagnosis || ' Meta said: ' || meta_msg,
      pg_catalog.jsonb_build_object('attempt_id', attempt, 'error_code', err -> 'code',
                                    'error_subcode', err -> 'error_subcode', 'fbtrace_id', err -> 'fbtrace_id'));
    update tracking.events e
    set status = 'queued', queued_at = now_ts, next_attempt_at = null, last_error = why
    where e.id = any(event_list) and e.status in ('queued', 'retrying');
    perform pgmq.delete('dispatch', msg_list);
  elsif outcome = 'retry' then
    factor := 1 + s.jitter * (2 * random() - 1);  -- one draw per batch, so the batch stays together
    for r in
      with planned as (
        select m.msg_id, e.id, e.attempts + 1 as n,
               pg_catalog.make_interval(secs => s.backoff_s[least(e.attempts + 1, cardinality(s.backoff_s))] * factor)
                 as delay,
               e.event_time + delivery.event_window(e.action_source) as deadline
        from unnest(msg_list, event_list) as m (msg_id, event_pk)
        join tracking.events e on e.id = m.event_pk
        where e.status in ('queued', 'retrying')
      )
      select p.delay, p.n >= s.max_attempts as exhausted, now_ts + p.delay >= p.deadline as too_late,
             pg_catalog.array_agg(p.msg_id) as msgs, pg_catalog.array_agg(p.id) as evs
      from planned p
      group by 1, 2, 3
    loop
      update tracking.events e set attempts = e.attempts + 1, last_error = why where e.id = any(r.evs);
      if r.exhausted then
        perform delivery.bury(r.evs, r.msgs, pg_catalog.format('max_attempts_exhausted: gave up after %s attempts; last: %s',
                                                               s.max_attempts, why),
                              attempt, (err ->> 'code')::int, (err ->> 'error_subcode')::int, meta_msg);
      elsif r.too_late then
        perform delivery.bury(r.evs, r.msgs, 'event_time_window_exceeded: the next try would fall past Meta''s '
                              || 'event_time window; last: ' || why,
                              attempt, (err ->> 'code')::int, (err ->> 'error_subcode')::int, meta_msg);
      else
        update tracking.events e
        set status = 'retrying', retrying_at = now_ts, next_attempt_at = now_ts + r.delay
        where e.id = any(r.evs);
        perform app.retime_messages('dispatch', r.msgs, pg_catalog.clock_timestamp() + r.delay);
      end if;
    end loop;
  end if;
  -- 'bisect': nothing moves; the caller sends each half in its own transaction

  perform delivery.evaluate_breakers(destination, outcome, probe);
  return outcome;
end
$$;
revoke all on function delivery.record_attempt(bigint,bigint[],bigint[],text,integer,text,integer,jsonb,text,text,boolean) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.record_attempt(bigint,bigint[],bigint[],text,integer,text,integer,jsonb,text,text,boolean) to service_role;
