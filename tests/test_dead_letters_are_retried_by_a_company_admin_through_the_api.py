"""POST /api/meta/retry-failed: a marketing or backoffice admin re-queues their company's dead letters,
filtered by Meta error code or event ids; a viewer, or an admin of another company, cannot; each
replay is logged with who asked and the filter."""

from __future__ import annotations

import time

from service.auth import sign
from tests.apiutil import api_client
from tests.dispatchutil import (
    event_ids,
    kill_events,
    new_pixel,
    new_tenant,
    new_token,
    new_user,
    record_events,
    statuses,
)

SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"


def bearer(uid: str) -> dict:
    token = sign({"sub": uid, "role": "authenticated", "aud": "authenticated", "exp": int(time.time()) + 600},
                 SECRET)
    return {"authorization": f"Bearer {token}"}


def test_admins_retry_their_own_dead_letters_by_filter_and_each_replay_is_logged(conn, dsn):
    capi_a, capi_b = new_token(), new_token()
    a, dest_a = new_tenant(conn, new_pixel(), capi_a)
    b, dest_b = new_tenant(conn, new_pixel(), capi_b)
    bad_payload = record_events(conn, a, 3)
    kill_events(conn, dest_a, bad_payload, code=100)
    exhausted = record_events(conn, a, 2)
    kill_events(conn, dest_a, exhausted, code=2, http_status=500)
    other = record_events(conn, b, 2)
    kill_events(conn, dest_b, other, code=100)
    assert statuses(conn, bad_payload + exhausted + other) == {"dead": 7}
    admin_a, viewer_a = new_user(conn, a, "marketing_admin"), new_user(conn, a, "viewer")
    admin_b = new_user(conn, b, "backoffice_admin")

    with api_client(dsn, supabase_jwt_secret=SECRET) as client:
        r = client.post("/api/meta/retry-failed", json={}, headers=bearer(viewer_a))
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        r = client.post("/api/meta/retry-failed", json={"company_id": b}, headers=bearer(admin_a))
        assert r.status_code == 403
        assert statuses(conn, bad_payload + exhausted + other) == {"dead": 7}

        r = client.post("/api/meta/retry-failed", json={"error_code": 100}, headers=bearer(admin_a))
        assert r.status_code == 200, r.text
        assert r.json()["replayed"] == 3 and r.json()["company_id"] == a
        assert statuses(conn, bad_payload) == {"queued": 3} and statuses(conn, exhausted) == {"dead": 2}

        one = event_ids(conn, exhausted[:1])
        r = client.post("/api/meta/retry-failed", json={"event_ids": one}, headers=bearer(admin_a))
        assert r.json()["replayed"] == 1 and statuses(conn, exhausted) == {"queued": 1, "dead": 1}

        r = client.post("/api/meta/retry-failed", json={"error_code": 100}, headers=bearer(admin_a))
        assert r.status_code == 200 and r.json() == {"company_id": a, "replayed": 0, "replay_id": None}

        r = client.post("/api/meta/retry-failed", json={}, headers=bearer(admin_b))
        assert r.json()["replayed"] == 2 and r.json()["company_id"] == b
        responses = r.text

    queued = conn.execute("select (message->>'event')::bigint from pgmq.q_dispatch").fetchall()
    assert {pk for pk in bad_payload + exhausted[:1]} <= {q[0] for q in queued}
    assert conn.execute("select min(attempts), max(attempts) from tracking.events where id = any(%s)",
                        (bad_payload,)).fetchone() == (0, 0)
    replays = conn.execute("select company_id::text, requested_by::text, actor, via, filter, event_count"
                           " from delivery.replays order by id").fetchall()
    assert replays[0] == (a, admin_a, f"user:{admin_a}", "api", {"company_id": a, "error_code": 100}, 3)
    assert replays[1][4] == {"company_id": a, "event_ids": one} and replays[1][5] == 1
    assert replays[2][:4] == (b, admin_b, f"user:{admin_b}", "api")
    open_letters = "select count(*) from delivery.dead_letters where replayed_at is null"
    assert conn.execute(open_letters).fetchone()[0] == 1
    assert capi_a not in responses and capi_b not in responses
