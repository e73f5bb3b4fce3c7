"""Every render is a numbered version with its hash, inputs, author and time: a correction that changes
the snippet's inputs (the pixel) makes version 2; one that does not (the landing URL) makes none."""

from __future__ import annotations

from tests import setuputil
from tests.setuputil import step

OTHER_PIXEL = "765432109870000"


def test_versions_follow_the_inputs(dsn):
    with setuputil.world(dsn) as w:
        w.meta.add_pixel(OTHER_PIXEL, setuputil.META_TOKEN)
        token = w.user_token()
        sid = w.call("POST", "/sessions", token, json=w.fields()).json()["session_id"]
        done = lambda s: step(s, "render_snippet")["status"] == "succeeded"  # noqa: E731
        w.wait(sid, token, done)
        first = w.call("GET", f"/sessions/{sid}/snippet", token).json()
        assert first["version"] == 1 and setuputil.PIXEL in first["snippet"]
        assert "Perfect Pay" in first["webhook_instructions"]

        w.call("PATCH", f"/sessions/{sid}", token, json={"pixel_id": OTHER_PIXEL})
        w.wait(sid, token, done)
        second = w.call("GET", f"/sessions/{sid}/snippet", token).json()
        assert second["version"] == 2 and OTHER_PIXEL in second["snippet"] and second["sha256"] != first["sha256"]

        rerun = w.call("PATCH", f"/sessions/{sid}", token, json={"landing_url": w.landing_url + "?v=2"}).json()
        assert "render_snippet" in rerun["rerun"]
        w.wait(sid, token, done)
        versions = w.call("GET", f"/sessions/{sid}/snippet/versions", token).json()["versions"]
        assert [v["version"] for v in versions] == [2, 1], "the same inputs gave the same hash: no version 3"
        assert versions[1]["inputs"]["pixel_id"] == setuputil.PIXEL and versions[0]["author"] == "setup-worker"
        old = w.call("GET", f"/sessions/{sid}/snippet?version=1", token).json()
        assert old["sha256"] == first["sha256"]
        assert w.call("GET", f"/sessions/{sid}/snippet?version=9", token).status_code == 404
