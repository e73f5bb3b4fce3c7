"""The CAPI token is decrypted only to be sent: no log line (ours, httpx's, the fake's), no stored attempt,
alert, dead letter or event error ever contains it - on success, on a revoked token, on a network error."""

from __future__ import annotations

import socket

from tests.dispatchutil import (
    capture_all_logs,
    dispatch_settings,
    drain,
    meta_fake,
    new_pixel,
    new_tenant,
    new_token,
    record_events,
    set_delivery,
    statuses,
    worker,
)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stored_text(conn) -> str:
    rows = conn.execute(
        "select coalesce((select jsonb_agg(a)::text from delivery.attempts a), '')"
        " || coalesce((select jsonb_agg(x)::text from delivery.alerts x), '')"
        " || coalesce((select jsonb_agg(d)::text from delivery.dead_letters d), '')"
        " || coalesce((select string_agg(last_error, ' ') from tracking.events), '')"
        " || coalesce((select jsonb_agg(m)::text from pgmq.q_dispatch m), '')").fetchone()
    return rows[0]


def test_the_token_never_reaches_a_log_line_or_a_stored_row(conn, dsn):
    set_delivery(conn, backoff_s=[0.1], jitter=0)
    p_ok, p_rev, p_net = new_pixel(), new_pixel(), new_pixel()
    t_ok, t_rev, t_net = new_token(), new_token(), new_token()
    c_ok, _ = new_tenant(conn, p_ok, t_ok)
    c_rev, _ = new_tenant(conn, p_rev, t_rev)
    ok = record_events(conn, c_ok, 5)
    rev = record_events(conn, c_rev, 5)

    with capture_all_logs() as logs:
        with meta_fake((p_ok, t_ok), (p_rev, t_rev)) as (fake, url):
            fake.revoke_token(t_rev, "expired")
            w = worker(dispatch_settings(dsn, url))
            drain(w, dsn, lambda c: statuses(c, ok) == {"sent": 5} and c.execute(
                "select count(*) from delivery.destinations where status = 'paused'").fetchone()[0] == 1)
            assert statuses(conn, rev) == {"queued": 5}
        # Meta unreachable
        c_net, _ = new_tenant(conn, p_net, t_net)
        net = record_events(conn, c_net, 5)
        w = worker(dispatch_settings(dsn, f"http://127.0.0.1:{closed_port()}"))
        drain(w, dsn, lambda c: statuses(c, net) == {"retrying": 5})

    assert conn.execute("select count(*) from delivery.attempts where failure = 'network'").fetchone()[0] >= 1
    text = "\n".join(logs.lines)
    assert "meta answered" in text and "HTTP Request" in text  # the logs were captured
    stored = stored_text(conn)
    assert "190" in stored  # the revoked-token answer was stored
    for token in (t_ok, t_rev, t_net):
        assert token not in text
        assert token not in stored
        assert token[4:20] not in text  # not even a piece of it
