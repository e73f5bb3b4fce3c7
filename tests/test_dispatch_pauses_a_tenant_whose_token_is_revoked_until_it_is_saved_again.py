"""Token revoked at Meta: that tenant's destination pauses with a diagnosis and an alert, its events stay
queued (none fails), other tenants keep flowing; once a new token is saved its events go out."""

from __future__ import annotations

from core import tenants
from tests.dispatchutil import (
    dispatch_settings,
    drain,
    event_ids,
    keyring,
    meta_fake,
    new_pixel,
    new_tenant,
    new_token,
    record_events,
    statuses,
    worker,
)


def test_revoked_tenant_pauses_others_flow_and_a_new_token_resumes_it(conn, dsn):
    p_bad, t_bad, p_ok, t_ok = new_pixel(), new_token(), new_pixel(), new_token()
    c_bad, d_bad = new_tenant(conn, p_bad, t_bad)
    c_ok, _ = new_tenant(conn, p_ok, t_ok)

    with meta_fake((p_bad, t_bad), (p_ok, t_ok)) as (fake, url):
        fake.revoke_token(t_bad, "revoked")
        w = worker(dispatch_settings(dsn, url))
        bad = record_events(conn, c_bad, 30)
        ok = record_events(conn, c_ok, 30)
        drain(w, dsn, lambda c: statuses(c, ok) == {"sent": 30}
              and c.execute("select status from delivery.destinations where id = %s", (d_bad,)).fetchone()[0]
              == "paused")

        status, reason = conn.execute("select status, paused_reason from delivery.destinations where id = %s",
                                      (d_bad,)).fetchone()
        assert (status, reason) == ("paused", "token_invalid")
        alert = conn.execute("select kind, severity, title, diagnosis from delivery.alerts"
                             " where destination_id = %s and resolved_at is null", (d_bad,)).fetchall()
        assert len(alert) == 1 and alert[0][:2] == ("destination_paused", "critical")
        assert "190" in alert[0][3] and "Generate a new token" in alert[0][3]
        assert "session has been invalidated" in alert[0][3]  # Meta's own words, for the diagnosis

        # more events of the paused tenant: held, never sent, never failed
        bad += record_events(conn, c_bad, 10)
        drain(w, dsn, lambda c: c.execute("select count(*) from pgmq.q_dispatch").fetchone()[0] == 0)
        assert statuses(conn, bad) == {"queued": 40}
        assert fake.accepted_events(pixel_id=p_bad) == []
        assert all(len(fake.deliveries(i)) == 1 for i in event_ids(conn, ok))

        # the customer saves a fresh token: the destination resumes and everything held goes out
        t_new = new_token()
        fake.add_pixel(p_bad, t_new)
        tenants.put_secret(conn, keyring(), c_bad, "meta_capi_token", t_new)
        status = "select status from delivery.destinations where id = %s"
        assert conn.execute(status, (d_bad,)).fetchone()[0] == "active"
        drain(w, dsn, lambda c: statuses(c, bad) == {"sent": 40})
        assert all(len(fake.deliveries(i)) == 1 for i in event_ids(conn, bad))

    kinds = [r[0] for r in conn.execute("select kind from delivery.alerts where destination_id = %s"
                                        " order by id", (d_bad,))]
    assert kinds == ["destination_paused", "destination_resumed"]
    assert conn.execute("select count(*) from delivery.alerts where destination_id = %s"
                        " and resolved_at is null and kind = 'destination_paused'",
                        (d_bad,)).fetchone()[0] == 0
