-- pgmq 1.4.4 (hosted Supabase's) has only set_vt(queue, one msg_id, seconds): the array and timestamptz
-- forms delivery.plan and delivery.record_attempt called arrived later. app.retime_messages sets the
-- visibility of many messages to an exact time in one statement, on the queue table pgmq reads from.
create function app.retime_messages(queue_name text, msg_ids bigint [], visible_at timestamptz) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format('update pgmq.%I set vt = $1 where msg_id = any($2)', 'q_' || queue_name)
  using visible_at, msg_ids;
end
$$;
comment on function app.retime_messages(text, bigint [], timestamptz) is
'Make these messages of pgmq queue queue_name visible again at visible_at (pgmq 1.4.4 set_vt takes one id).';
revoke execute on function app.retime_messages(text, bigint [], timestamptz) from public, anon;
grant execute on function app.retime_messages(text, bigint [], timestamptz) to service_role;

create or replace function delivery.plan(msg_list bigint [], event_list bigint [])
returns table (destination_id bigint, msg_ids bigint [], event_pks bigint [], probe boolean)
language plpgsql
set search_path = ''
as $$
declare
  g record;
  ms record;
  dstatus text;
  has_token boolean;
begin
  for g in
    with r as (
      select m.msg_id, m.event_pk, e.destination_id as dest,
             coalesce(e.status in ('queued', 'retrying') and e.destination_id is not null, false)
             and pg_catalog.row_number() over (partition by m.event_pk order by m.msg_id) = 1 as keep
      from unnest(msg_list, event_list) as m (msg_id, event_pk)
      left join tracking.events e on e.id = m.event_pk
    )
    select case when r.keep then r.dest end as dest,
           pg_catalog.array_agg(r.msg_id order by r.event_pk) as msgs,
           pg_catalog.array_agg(r.event_pk order by r.event_pk) as evs
    from r
    group by 1
    order by 1 nulls first
  loop
    if g.dest is null then
      perform pgmq.delete('dispatch', g.msgs);  -- gone, sent, dead, skipped, or a duplicate message
      continue;
    end if;
    select d.status, exists (
             select 1 from app.secrets s where s.company_id = d.company_id and s.kind = 'meta_capi_token')
    into dstatus, has_token
    from delivery.destinations d where d.id = g.dest;
    if dstatus = 'active' and not has_token then
      perform delivery.pause_destination(g.dest, 'token_missing',
        'No Conversions API token is saved for this pixel. Save one: held events go out then.');
      dstatus := 'paused';
    end if;
    if dstatus <> 'active' then  -- paused: its events stay queued until resume_destination re-queues them
      perform pgmq.delete('dispatch', g.msgs);
      continue;
    end if;
    select * into ms from delivery.may_send(g.dest);
    if ms.decision = 'hold' then
      -- re-time on the queue's own clock (app.now() may be frozen in tests), with a little spread
      perform app.retime_messages('dispatch', g.msgs, pg_catalog.clock_timestamp()
        + greatest(ms.hold_until - app.now(), interval '1 second') * (1 + 0.2 * random()));
      continue;
    end if;
    destination_id := g.dest;
    msg_ids := g.msgs;
    event_pks := g.evs;
    probe := ms.decision = 'probe';
    return next;
  end loop;
end
$$;

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
