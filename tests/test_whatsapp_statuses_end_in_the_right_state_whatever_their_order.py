"""Statuses of our outbound messages (gateways.md §3.4) arrive in any order and sometimes twice: the
message ends in the furthest state (sent < delivered < read < played; failed is terminal and only
replaces a message not yet delivered), never regresses, keeps each status's own time, and every status
is kept once as history."""

from __future__ import annotations

import itertools
import time
import uuid

import pytest

from fakes import whatsapp as wa
from tests.apiutil import WA_APP_SECRET, connect_whatsapp, make_tenant, whatsapp_client

T0 = int(time.time()) - 600
STAMP = {"sent": T0, "delivered": T0 + 5, "read": T0 + 60, "played": T0 + 90, "failed": T0 + 3}


@pytest.fixture(scope="module")
def client(dsn):
    with whatsapp_client(dsn) as c:
        yield c


@pytest.fixture(scope="module")
def setup(dsn, client):
    tenant = make_tenant(dsn)
    waba, number = connect_whatsapp(dsn, tenant.company_id)
    fake = wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client, waba_id=waba, phone_number_id=number)
    return tenant, number, fake


def _customer() -> str:
    return "55119" + str(uuid.uuid4().int % 10**8).zfill(8)


def _send(fake, wamid, customer, *statuses, one_post=False):
    answers = fake.statuses(wamid, customer, *statuses, timestamps=[STAMP[s] for s in statuses], one_post=one_post)
    assert all(r.status_code == 200 and r.json()["stored"][0]["processing"] == "processed" for r in answers), \
        [r.text for r in answers]


def _message(conn, wamid):
    return conn.execute(
        "select status, extract(epoch from status_at)::bigint, extract(epoch from sent_at)::bigint,"
        " extract(epoch from delivered_at)::bigint, extract(epoch from read_at)::bigint, error->>'code'"
        " from whatsapp.messages where wamid = %s", (wamid,)).fetchone()


def _history(conn, wamid):
    return conn.execute("select status, applied from whatsapp.message_statuses where wamid = %s order by id",
                        (wamid,)).fetchall()


@pytest.mark.parametrize("order", list(itertools.permutations(("sent", "delivered", "read"))),
                         ids=lambda o: ">".join(o))
def test_any_arrival_order_ends_read_with_every_time_kept(setup, conn, order):
    _, _, fake = setup
    wamid, customer = wa.new_wamid(), _customer()
    _send(fake, wamid, customer, *order)
    assert _message(conn, wamid) == ("read", STAMP["read"], STAMP["sent"], STAMP["delivered"], STAMP["read"], None)
    history = _history(conn, wamid)
    assert [s for s, _ in history] == list(order)  # history in arrival order, each once
    # a status moved the message only when it was further than everything before it
    rank = {"sent": 1, "delivered": 2, "read": 3}
    expected = [rank[s] > max([0] + [rank[p] for p in order[:i]]) for i, s in enumerate(order)]
    assert [a for _, a in history] == expected


def test_statuses_out_of_order_in_one_post_are_applied_in_order(setup, conn):
    _, _, fake = setup
    wamid, customer = wa.new_wamid(), _customer()
    _send(fake, wamid, customer, "read", "delivered", "sent", one_post=True)
    assert _message(conn, wamid)[0] == "read"


def test_a_failure_is_terminal_and_keeps_metas_error(setup, conn):
    _, _, fake = setup
    wamid, customer = wa.new_wamid(), _customer()
    _send(fake, wamid, customer, "sent", "failed")
    _send(fake, wamid, customer, "delivered", "read")  # late or bogus: a failed message stays failed
    status, status_at, sent_at, *_, code = _message(conn, wamid)
    assert (status, status_at, sent_at, code) == ("failed", STAMP["failed"], STAMP["sent"], "131049")
    assert _history(conn, wamid) == [("sent", True), ("failed", True), ("delivered", False), ("read", False)]


def test_a_late_failure_does_not_undo_a_read_message(setup, conn):
    _, _, fake = setup
    wamid, customer = wa.new_wamid(), _customer()
    _send(fake, wamid, customer, "read", "failed")
    assert _message(conn, wamid)[0] == "read"
    assert _history(conn, wamid) == [("read", True), ("failed", False)]


def test_a_redelivered_status_changes_nothing(setup, conn):
    _, _, fake = setup
    wamid, customer = wa.new_wamid(), _customer()
    _send(fake, wamid, customer, "sent", "delivered")
    before = (_message(conn, wamid), _history(conn, wamid))
    r = fake.statuses(wamid, customer, "delivered", timestamps=[STAMP["delivered"]])[0]
    assert r.status_code == 200
    assert (_message(conn, wamid), _history(conn, wamid)) == before
    assert conn.execute("select flags from tracking.inbound where id = %s",
                        (r.json()["stored"][0]["inbound_id"],)).fetchone()[0] == ["duplicate_delivery"]


def test_a_message_known_first_from_its_statuses_is_completed_later(setup, conn):
    tenant, number, fake = setup
    customer = _customer()
    fake.inbound_text(customer, "oi", timestamp=T0 - 60)
    wamid = wa.new_wamid()
    _send(fake, wamid, customer, "delivered")  # sent by the panel, status first
    direction, mtype, conversation = conn.execute(
        "select direction, type, conversation_id from whatsapp.messages where wamid = %s", (wamid,)).fetchone()
    assert (direction, mtype) == ("outbound", None) and conversation is not None
    conn.execute("select whatsapp.record_outbound(%s, %s, %s, %s, 'text', 'Olá! Como posso ajudar?')",
                 (tenant.company_id, number, customer, wamid))
    assert conn.execute("select type, text_body, status, conversation_id from whatsapp.messages where wamid = %s",
                        (wamid,)).fetchone() == ("text", "Olá! Como posso ajudar?", "delivered", conversation)
