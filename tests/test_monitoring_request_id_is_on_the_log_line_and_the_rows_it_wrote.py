"""A request's X-Request-Id is echoed back, written on its JSON log line ("request", with the route
template, status and duration) and stored on the tracking.inbound and tracking.events rows it wrote -
so one id leads from a log line to the data and back (docs/runbook.md)."""

from __future__ import annotations

import json
import logging

from core import logs
from tests.apiutil import api_client, make_tenant, postback


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logs.JsonFormatter())

    def emit(self, record):
        self.lines.append(self.format(record))


def test_request_id_links_the_log_line_to_inbound_and_event_rows(conn, dsn):
    t = make_tenant(dsn)
    rid = "req-observability-0001"
    handler = Lines()
    logger = logging.getLogger("trackai")
    logs.configure()  # before our handler: configure() skips a logger that already has a JSON handler
    logger.addHandler(handler)
    try:
        with api_client(dsn) as client:
            r = client.post(f"/webhooks/perfectpay/{t.perfectpay_key}", json=postback(code="PPREQID0001"),
                            headers={"X-Request-Id": rid})
    finally:
        logger.removeHandler(handler)
    assert r.status_code == 200 and r.headers["x-request-id"] == rid

    lines = [json.loads(x) for x in handler.lines]
    mine = [x for x in lines if x.get("request_id") == rid and x["msg"] == "request"]
    assert len(mine) == 1, lines
    assert mine[0]["route"] == "/webhooks/{gateway}/{endpoint_key}" and mine[0]["status"] == 200
    assert t.perfectpay_key not in json.dumps(mine[0])

    assert conn.execute("select request_id from tracking.inbound where company_id = %s",
                        (t.company_id,)).fetchall() == [(rid,)]
    assert conn.execute("select request_id from tracking.events where company_id = %s",
                        (t.company_id,)).fetchall() == [(rid,)]
