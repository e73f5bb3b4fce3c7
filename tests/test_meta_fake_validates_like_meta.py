"""The Meta Graph fake rejects what Meta rejects (meta_capi.md §1-§3, §5, §8-§10) and records what it
accepts; its fault controls work in-process and over HTTP."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time

import httpx
import pytest

from fakes.base import serve
from fakes.meta_graph import MetaFake

PIXEL = "123456789012345"
TOKEN = "EAAB-valid-token"
OTHER_TOKEN = "EAAB-other-token"
NOW = 1_760_000_000
ENVELOPE_KEYS = {"message", "type", "code", "error_subcode", "is_transient", "error_user_title",
                 "error_user_msg", "fbtrace_id"}


def h(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def event(**overrides) -> dict:
    e = {
        "event_name": "Purchase", "event_time": NOW - 60, "event_id": "order-1", "action_source": "website",
        "event_source_url": "https://shop.example.com/obrigado",
        "user_data": {"em": [h("maria@example.com")], "ph": [h("5511987654321")],
                      "client_ip_address": "2804:14c::1", "client_user_agent": "Mozilla/5.0",
                      "fbc": "fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB",
                      "fbp": "fb.1.1596403881668.1116446470"},
        "custom_data": {"value": 197.0, "currency": "BRL"},
    }
    for key, value in overrides.items():
        if key == "user_data_update":
            e["user_data"] = {**e["user_data"], **value}
        elif value is None:
            e.pop(key, None)
        else:
            e[key] = value
    return e


@pytest.fixture(scope="module")
def fake():
    return MetaFake(seed=7)


@pytest.fixture(scope="module")
def server(fake):
    with serve(fake.app) as handle:
        yield handle


@pytest.fixture(autouse=True)
def clean(fake):
    fake.reset(registry=True)
    fake.strict_website = True
    fake.freeze_time(NOW)
    fake.add_pixel(PIXEL, TOKEN, name="Pixel Principal")
    fake.add_token(OTHER_TOKEN)
    yield


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=5) as c:
        yield c


def post(client, events, *, token=TOKEN, version="v24.0", pixel=PIXEL, **top):
    return client.post(f"/{version}/{pixel}/events", params={"access_token": token},
                       json={"data": events, **top})


def assert_error(r: httpx.Response, status: int, code: int, subcode: int | None = None) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == ENVELOPE_KEYS
    err = body["error"]
    assert err["code"] == code, err
    assert err["error_subcode"] == subcode, err
    assert isinstance(err["fbtrace_id"], str) and err["fbtrace_id"]
    return err


# ---- success path ------------------------------------------------------------------------------


def test_a_valid_batch_is_accepted_and_recorded(client, fake):
    r = post(client, [event(), event(event_id="order-2", event_name="Lead", custom_data=None)],
             test_event_code="TEST123", partner_agent="trackai")
    assert r.status_code == 200
    body = r.json()
    assert body["events_received"] == 2 and body["messages"] == []
    assert len(body["fbtrace_id"]) == 27
    recorded = fake.accepted_events()
    assert [e.event_id for e in recorded] == ["order-1", "order-2"]
    first = recorded[0]
    assert (first.pixel_id, first.event_name, first.test_event_code, first.partner_agent,
            first.fbtrace_id, first.api_version) == (PIXEL, "Purchase", "TEST123", "trackai",
                                                     body["fbtrace_id"], "v24.0")


def test_server_duplicates_are_not_deduplicated(client, fake):
    assert post(client, [event()]).status_code == 200
    assert post(client, [event()]).status_code == 200
    assert len(fake.deliveries("order-1")) == 2


def test_accepted_variants(client, fake):
    ok = [
        event(event_id="a", user_data_update={"fbc": "fb.1.1554763741205.IwAR2F4.AQIAAQEA"}),
        event(event_id="b", user_data={"external_id": "crm-42", "client_ip_address": "10.0.0.1"},
              action_source="system_generated", event_source_url=None),
        event(event_id="c", action_source="physical_store", event_time=NOW - 30 * 86_400),
        event(event_id="d", custom_data={"value": "142.52", "currency": "usd"}),
        event(event_id="e", event_name="LeadSubmitted", action_source="business_messaging",
              messaging_channel="whatsapp", event_source_url=None,
              user_data={"ctwa_clid": "Aff-n8ZTODiE79", "whatsapp_business_account_id": "104996122"}),
        event(event_id="f", event_time=NOW + 30),  # small clock skew
    ]
    r = post(client, ok)
    assert r.status_code == 200, r.text
    assert r.json()["events_received"] == len(ok)


@pytest.mark.parametrize("kind", ["form", "multipart", "sdk", "json_string"])
def test_form_multipart_and_sdk_encodings_are_accepted(client, fake, kind):
    events = [event(event_id="enc-1"), event(event_id="enc-2")]
    url = f"/v24.0/{PIXEL}/events"
    if kind == "form":
        r = client.post(url, data={"data": json.dumps(events), "access_token": TOKEN})
    elif kind == "multipart":
        r = client.post(url, files={"data": (None, json.dumps(events)), "access_token": (None, TOKEN),
                                    "test_event_code": (None, "TEST999")})
    elif kind == "sdk":  # facebook-business: each event json.dumps'd, then the list, form-encoded
        data = json.dumps([json.dumps(e) for e in events], sort_keys=True, separators=(",", ":"))
        r = client.post(url, data={"data": data, "access_token": TOKEN},
                        headers={"User-Agent": "fbbizsdk-python-v26.0.3"})
    else:
        r = client.post(url, params={"access_token": TOKEN}, json={"data": json.dumps(events)})
    assert r.status_code == 200, r.text
    assert r.json()["events_received"] == 2
    assert {e.event_id for e in fake.accepted_events()} == {"enc-1", "enc-2"}


@pytest.mark.parametrize("where", ["query", "body", "bearer"])
def test_token_is_read_from_query_body_or_bearer(client, where):
    url = f"/v24.0/{PIXEL}/events"
    body = {"data": [event()]}
    if where == "query":
        r = client.post(url, params={"access_token": TOKEN}, json=body)
    elif where == "body":
        r = client.post(url, json={**body, "access_token": TOKEN})
    else:
        r = client.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text


# ---- auth, object and version errors ------------------------------------------------------------


def test_token_errors(client, fake):
    r = client.post(f"/v24.0/{PIXEL}/events", json={"data": [event()]})
    assert assert_error(r, 400, 104)["message"] == "An access token is required to request this resource."
    err = assert_error(post(client, [event()], token="garbage"), 401, 190)
    assert err["message"] == "Invalid OAuth access token - Cannot parse access token"
    assert err["type"] == "OAuthException" and err["is_transient"] is False
    fake.revoke_token(TOKEN, "expired")
    assert_error(post(client, [event()]), 401, 190, 463)
    fake.revoke_token(TOKEN, "revoked")
    assert_error(post(client, [event()]), 401, 190, 460)
    assert fake.accepted_events() == []


def test_unknown_or_ungranted_pixel_is_100_33(client):
    for token, pixel in ((TOKEN, "999"), (OTHER_TOKEN, PIXEL)):
        err = assert_error(post(client, [event()], token=token, pixel=pixel), 400, 100, 33)
        assert err["type"] == "GraphMethodException"
        assert err["message"].startswith(f"Unsupported post request. Object with ID '{pixel}' does not exist,"
                                         " cannot be loaded due to missing permissions, or does not support")


def test_versions(client):
    assert post(client, [event()], version="v21.0").status_code == 200
    assert_error(post(client, [event()], version="v24"), 400, 2500)
    assert_error(post(client, [event()], version="v99.0"), 400, 2500)
    assert_error(post(client, [event()], version="v2.0"), 400, 2635)


# ---- request-level validation -------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"data": []}, {"data": "not json"}, {"data": {"a": 1}},
                                  {"data": [1]}, {"data": [event()] * 1001}])
def test_bad_data_is_rejected_with_100(client, body):
    r = client.post(f"/v24.0/{PIXEL}/events", params={"access_token": TOKEN}, json=body)
    assert_error(r, 400, 100)


def test_a_thousand_events_are_fine(client):
    r = post(client, [event(event_id=f"e{i}") for i in range(1000)])
    assert r.json()["events_received"] == 1000


# ---- per-event validation -----------------------------------------------------------------------

BAD_EVENTS = {
    "no event_name": (event(event_name=None), None),
    "event_time as text": (event(event_time="yesterday"), None),
    "event_time in ms": (event(event_time=NOW * 1000), None),
    "event_time future": (event(event_time=NOW + 3600), None),
    "event_time 8 days old": (event(event_time=NOW - 8 * 86_400), 2804003),
    "no action_source": (event(action_source=None), None),
    "bad action_source": (event(action_source="web"), None),
    "no user_data": (event(user_data=None), None),
    "empty user_data": (event(user_data={}), 2804050),
    "unhashed em": (event(user_data_update={"em": "maria@example.com"}), 2804016),
    "uppercase hash": (event(user_data_update={"ph": h("5511").upper()}), 2804016),
    "one unhashed in list": (event(user_data_update={"ct": [h("paris"), "paris"]}), 2804016),
    "md5 is not sha256": (event(user_data_update={"fn": hashlib.md5(b"maria").hexdigest()}), 2804016),
    "bad ip": (event(user_data_update={"client_ip_address": "999.1.1.1"}), None),
    "hashed ip": (event(user_data_update={"client_ip_address": h("1.2.3.4")}), None),
    "hashed user agent": (event(user_data_update={"client_user_agent": h("Mozilla")}), None),
    "fbc 3 segments": (event(user_data_update={"fbc": "fb.1.IwAR2F4"}), None),
    "fbp 6 segments": (event(user_data_update={"fbp": "fb.1.1596403881668.1.2.3"}), None),
    "fbc wrong prefix": (event(user_data_update={"fbc": "fc.1.1554763741205.IwAR2F4"}), None),
    "website no user agent": (event(user_data_update={"client_user_agent": None}), None),
    "website no url": (event(event_source_url=None), None),
    "url not http": (event(event_source_url="ftp://shop.example.com"), None),
    "messaging no channel": (event(action_source="business_messaging", event_source_url=None,
                                   user_data={"ctwa_clid": "Aff-1"}), None),
    "messaging Lead": (event(event_name="Lead", action_source="business_messaging", event_source_url=None,
                             messaging_channel="whatsapp", user_data={"ctwa_clid": "Aff-1"}), 2804066),
    "purchase no value": (event(custom_data={"currency": "BRL"}), None),
    "purchase no currency": (event(custom_data={"value": 10}), None),
    "purchase text value": (event(custom_data={"value": "ten", "currency": "BRL"}), None),
    "purchase currency 4 letters": (event(custom_data={"value": 10, "currency": "REAL"}), None),
    "purchase bool value": (event(custom_data={"value": True, "currency": "BRL"}), None),
    "purchase negative value": (event(custom_data={"value": -197.9, "currency": "BRL"}), None),
    "baseline ct+country+st+zp+ge+ua": (event(user_data={k: h(k) for k in ("ct", "country", "st", "zp", "ge")}
                                              | {"client_user_agent": "Mozilla/5.0"}), 2804050),
    "baseline db+ua": (event(user_data={"db": h("19970216"), "client_user_agent": "Mozilla/5.0"}), 2804050),
    "baseline fn+ge": (event(user_data={"fn": h("maria"), "ge": h("f")}), 2804050),
    "baseline ln": (event(user_data={"ln": h("souza")}, action_source="app", event_source_url=None), 2804050),
}


@pytest.mark.parametrize("name", list(BAD_EVENTS))
def test_each_rule_rejects_the_whole_batch(client, fake, name):
    bad, subcode = BAD_EVENTS[name]
    r = post(client, [event(event_id="good-1"), bad, event(event_id="good-2")])
    err = assert_error(r, 400, 100, subcode)
    assert err["type"] == "OAuthException" and err["is_transient"] is False
    assert fake.accepted_events() == [], "one invalid event must reject the whole batch"


def test_observed_bodies_are_reproduced(client):
    err = assert_error(post(client, [event(event_time=NOW - 8 * 86_400)]), 400, 100, 2804003)
    assert (err["message"], err["error_user_title"]) == ("Invalid parameter", "Event Timestamp Too Old")
    assert err["error_user_msg"] == (
        "The timestamp for this event is too far in the past. Events need to be sent from your server "
        "within 7 days of when they occurred. Enter a timestamp that has occurred within the last 7 days.")
    err = assert_error(post(client, [event(user_data_update={"ct": "paris"})]), 400, 100, 2804016)
    assert err["error_user_title"] == "User Parameter Not Hashed"
    assert err["error_user_msg"].startswith("The ct parameter isn\u2019t hashed. Hash all user parameters as "
                                            "SHA256, except for client user agent, click ID, and browser ID.")
    err = assert_error(post(client, [event(event_name="Lead", action_source="business_messaging",
                                           messaging_channel="whatsapp", event_source_url=None,
                                           user_data={"ctwa_clid": "Aff-1"})]), 400, 100, 2804066)
    assert err["error_user_title"] == "Messaging Event Invalid Event Type"


def test_website_strictness_is_a_toggle(client, fake):
    lax = event(event_source_url=None, user_data_update={"client_user_agent": None})
    assert_error(post(client, [lax]), 400, 100)
    fake.strict_website = False
    assert post(client, [lax]).status_code == 200


# ---- GET /{pixel_id} ----------------------------------------------------------------------------


def test_pixel_read(client):
    r = client.get(f"/v24.0/{PIXEL}", params={"access_token": TOKEN})
    assert r.json() == {"id": PIXEL, "name": "Pixel Principal"}
    r = client.get(f"/{PIXEL}", params={"fields": "name,is_unavailable"},
                   headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.json() == {"id": PIXEL, "name": "Pixel Principal", "is_unavailable": False}
    post(client, [event()])
    fired = client.get(f"/v24.0/{PIXEL}", params={"fields": "last_fired_time", "access_token": TOKEN}).json()
    assert set(fired) == {"id", "last_fired_time"} and fired["last_fired_time"].endswith("+0000")
    assert_error(client.get(f"/v24.0/{PIXEL}", params={"fields": "nope", "access_token": TOKEN}), 400, 100)
    assert_error(client.get(f"/v24.0/{PIXEL}", params={"access_token": "garbage"}), 401, 190)
    err = assert_error(client.get(f"/v24.0/{PIXEL}", params={"access_token": OTHER_TOKEN}), 400, 100, 33)
    assert err["message"].startswith(f"Unsupported get request. Object with ID '{PIXEL}'")


# ---- faults ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [4, 17, 613, 80004])
def test_throttling_errors_are_transient(client, fake, code):
    subcode = {4: 1504022, 17: 2446079, 613: 1487742, 80004: 2446079}[code]
    fake.fail_next(1, f"throttle_{code}")
    err = assert_error(post(client, [event()]), 400, code, subcode)
    assert err["is_transient"] is True
    assert post(client, [event()]).status_code == 200
    assert len(fake.deliveries("order-1")) == 1


def test_queued_failures_run_in_order(client, fake):
    fake.fail_next(1, "server_error")
    fake.fail_next(1, "unavailable")
    fake.fail_next(1, "token_expired")
    err = assert_error(post(client, [event()]), 500, 2)
    assert err["is_transient"] is True
    r = post(client, [event()])
    assert r.status_code == 503 and "error" not in r.text
    assert_error(post(client, [event()]), 401, 190, 463)
    assert post(client, [event()]).status_code == 200
    assert [r["status"] for r in fake.requests()] == [500, 503, 401, 200]


def test_error_rate_is_deterministic_for_a_seed(client, fake):
    def run() -> list[int]:
        fake.reset()
        fake.add_pixel(PIXEL, TOKEN)
        fake.set_faults(error_rate=0.5, throttle_rate=0.2, throttle_code=613, seed=42)
        return [post(client, [event()]).status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert {500, 200} <= set(first)


def test_bare_503_style_and_latency(client, fake):
    fake.set_faults(error_rate=1.0, error_style="bare")
    assert post(client, [event()]).status_code == 503
    fake.clear_faults()
    fake.set_faults(latency_ms=(150, 200))
    started = time.monotonic()
    assert post(client, [event()]).status_code == 200
    assert time.monotonic() - started >= 0.15


def test_a_timed_out_request_may_still_be_accepted(client, fake):
    fake.fail_next(1, "timeout", timeout_s=0.4)
    with pytest.raises(httpx.ReadTimeout):
        client.post(f"/v24.0/{PIXEL}/events", params={"access_token": TOKEN}, json={"data": [event()]},
                    timeout=0.1)
    deadline = time.monotonic() + 3
    while not fake.deliveries("order-1") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fake.deliveries("order-1")) == 1


def test_a_poison_event_id_rejects_its_batch(client, fake):
    fake.reject_event_ids("poison")
    r = post(client, [event(event_id="ok-1"), event(event_id="poison")])
    assert_error(r, 400, 100, 2804001)
    assert fake.accepted_events() == []
    assert post(client, [event(event_id="ok-1")]).status_code == 200


def test_http_control_endpoints(client, fake):
    r = client.post("/_fake/pixels", json={"pixel_id": "777", "token": "T7", "name": "Sandbox"})
    assert r.json()["ok"]
    assert post(client, [event(event_id="x1")], token="T7", pixel="777").status_code == 200
    found = client.get("/_fake/events", params={"event_id": "x1"}).json()
    assert found["count"] == 1 and found["events"][0]["pixel_id"] == "777"
    faults = client.post("/_fake/faults", json={"throttle_rate": 1.0, "throttle_code": 80004,
                                                "fail_next": {"n": 1, "kind": "server_error"}}).json()
    assert faults["queued"] == ["server_error"] and faults["faults"]["throttle_code"] == 80004
    assert_error(post(client, [event()], token="T7", pixel="777"), 500, 2)
    assert_error(post(client, [event()], token="T7", pixel="777"), 400, 80004, 2446079)
    client.delete("/_fake/faults")
    client.post("/_fake/faults", json={"reject_event_ids": ["bad"]})
    assert_error(post(client, [event(event_id="bad")], token="T7", pixel="777"), 400, 100, 2804001)
    client.post("/_fake/tokens/T7/revoke", json={"reason": "expired"})
    assert_error(post(client, [event()], token="T7", pixel="777"), 401, 190, 463)
    assert client.post("/_fake/config", json={"strict_website": False}).json()["strict_website"] is False
    assert fake.strict_website is False
    assert client.post("/_fake/faults", json={"nonsense": 1}).status_code == 400
    client.post("/_fake/reset", json={})
    assert client.get("/_fake/events").json()["count"] == 0 and fake.requests() == []


# ---- Custom Audiences -----------------------------------------------------------------------------


def test_custom_audience_flow(client, fake):
    fake.add_ad_account("555", TOKEN)
    auth = {"access_token": TOKEN}
    bad = client.post("/v24.0/act_555/customaudiences",
                      data={**auth, "name": "Buyers", "subtype": "CUSTOM", "customer_file_source": "NOPE"})
    assert_error(bad, 400, 100)
    assert_error(client.post("/v24.0/act_556/customaudiences", data={**auth, "name": "x"}), 400, 100, 33)
    created = client.post("/v24.0/act_555/customaudiences", data={
        **auth, "name": "Buyers", "subtype": "CUSTOM", "description": "from Track AI",
        "customer_file_source": "USER_PROVIDED_ONLY"})
    audience_id = created.json()["id"]
    schema = ["EMAIL", "PHONE", "EXTERN_ID"]
    rows = [[h("a@x.com"), h("5511999990000"), "crm-1"], [h("b@x.com"), "", "crm-2"],
            ["c@x.com", h("5511999990001"), "crm-3"]]  # last row: email not hashed
    session = {"session_id": 9001, "batch_seq": 1, "last_batch_flag": False, "estimated_num_total": 4}
    r = client.post(f"/v24.0/{audience_id}/users", data={
        **auth, "payload": json.dumps({"schema": schema, "data": rows}), "session": json.dumps(session)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["audience_id"] == audience_id and body["session_id"] == 9001
    assert (body["num_received"], body["num_invalid_entries"]) == (3, 1)
    assert len(body["invalid_entry_samples"]) == 1
    r = client.post(f"/v24.0/{audience_id}/users", params=auth, json={
        "payload": {"schema": "EMAIL_SHA256", "data": [h("d@x.com")]},
        "session": {**session, "batch_seq": 2, "last_batch_flag": True}})
    assert r.json()["num_received"] == 1
    batches = fake.audience_batches(audience_id, session_id=9001)
    assert [(b["op"], b["batch_seq"], b["last_batch_flag"]) for b in batches] == [
        ("add", 1, False), ("add", 2, True)]
    assert len(fake.audience(audience_id).members) == 3
    r = client.request("DELETE", f"/v24.0/{audience_id}/users", params={
        **auth, "payload": json.dumps({"schema": schema, "data": rows[:1]})})
    assert r.status_code == 200 and r.json()["num_received"] == 1
    assert len(fake.audience(audience_id).members) == 2
    too_many = {"schema": "EMAIL_SHA256", "data": [h(str(i)) for i in range(10_001)]}
    users = f"/v24.0/{audience_id}/users"
    too_many = {"schema": "EMAIL_SHA256", "data": [h(str(i)) for i in range(10_001)]}
    assert_error(client.post(users, params=auth, json={"payload": too_many}), 400, 100)
    mismatch = {"schema": schema, "data": [[h("a@x.com")]]}
    assert_error(client.post(users, params=auth, json={"payload": mismatch}), 400, 100)
    unknown_key = {"schema": ["EMAIL", "SHOE_SIZE"], "data": [[h("a"), "42"]]}
    assert_error(client.post(users, params=auth, json={"payload": unknown_key}), 400, 100)
    assert_error(client.post(users, params={"access_token": OTHER_TOKEN}, json={"payload": mismatch}),
                 400, 100, 33)
    summary = client.get(f"/_fake/audiences/{audience_id}").json()
    assert summary["members"] == 2 and len(summary["batches"]) == 3


# ---- CLI ------------------------------------------------------------------------------------------


def test_cli_serves_a_registered_pixel():
    args = [sys.executable, "-m", "fakes.meta_graph", "--port", "0", "--pixel", f"{PIXEL}:T1"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = line.strip().rsplit(" ", 1)[-1]
        assert url.startswith("http://127.0.0.1:"), line
        r = httpx.post(f"{url}/v24.0/{PIXEL}/events", params={"access_token": "T1"},
                       json={"data": [event(event_time=int(time.time()))]})
        assert r.status_code == 200, r.text
        assert httpx.get(f"{url}/_fake/events", params={"event_id": "order-1"}).json()["count"] == 1
    finally:
        proc.terminate()
        proc.wait(5)
