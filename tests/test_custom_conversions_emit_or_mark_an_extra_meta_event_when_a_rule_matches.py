"""Custom conversions are rows evaluated in SQL when an event is recorded: "High value lead" (Lead with
value > R$ 500) emits an extra Meta event through the normal queue, "Scheduled appointment" (a CRM
event whose custom_data says so) only marks the event; events that miss a rule, other companies and the
emitted events themselves trigger nothing."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from tests.dispatchutil import new_pixel, new_tenant, new_token


def record(conn, company, ref, name, custom_data):
    return conn.execute(
        "select event_pk from tracking.record_event(%s, null, 'api', %s, %s, app.now(), 'system_generated', null,"
        " %s, %s)", (company, ref, name, Jsonb({"em": f"{ref}@example.com"}), Jsonb(custom_data))).fetchone()[0]


def test_rules_emit_and_mark(conn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    other, _ = new_tenant(conn, new_pixel(), new_token())
    high = conn.execute("insert into revenue.conversion_rules (company_id, name, event_name, min_value, action,"
                        " emit_event_name) values (%s, 'High value lead', 'Lead', 500, 'emit', 'HighValueLead')"
                        " returning id", (company,)).fetchone()[0]
    scheduled = conn.execute("insert into revenue.conversion_rules (company_id, name, event_name,"
                             " custom_data_contains, action) values (%s, 'Scheduled appointment', 'Schedule',"
                             " '{\"status\": \"scheduled\"}', 'mark') returning id", (company,)).fetchone()[0]

    big = record(conn, company, "lead-big", "Lead", {"value": 750, "currency": "BRL"})
    small = record(conn, company, "lead-small", "Lead", {"value": 500, "currency": "BRL"})  # not > 500
    record(conn, other, "lead-other", "Lead", {"value": 9000, "currency": "BRL"})         # no rules there
    booked = record(conn, company, "appt-1", "Schedule", {"status": "scheduled"})
    record(conn, company, "appt-2", "Schedule", {"status": "cancelled"})

    marks = conn.execute("select rule_id, event_pk, emitted_event_pk, value from revenue.conversions"
                         " order by id").fetchall()
    assert [(m[0], m[1]) for m in marks] == [(high, big), (scheduled, booked)]
    assert marks[1][2] is None  # 'mark' sends nothing
    assert small not in [m[1] for m in marks]

    emitted = conn.execute("select e.event_name, e.source, e.status, e.user_data, e.custom_data, o.user_data"
                           " from tracking.events e join tracking.events o on o.id = %s where e.id = %s",
                           (big, marks[0][2])).fetchone()
    name, source, status, user_data, custom_data, original_user_data = emitted
    assert (name, source, status) == ("HighValueLead", "custom_conversion", "queued")
    assert user_data == original_user_data and custom_data["value"] == 750
    # it went on the dispatch queue like any event, and it is recorded once per (rule, event)
    assert conn.execute("select count(*) from pgmq.q_dispatch where (message ->> 'event')::bigint = %s",
                        (marks[0][2],)).fetchone()[0] == 1
    assert conn.execute("select count(*) from tracking.events where company_id = %s and event_name = 'HighValueLead'",
                        (company,)).fetchone()[0] == 1
    # a repeat of the same business fact is deduplicated before any rule runs
    record(conn, company, "lead-big", "Lead", {"value": 750, "currency": "BRL"})
    assert conn.execute("select count(*) from revenue.conversions").fetchone()[0] == 2
