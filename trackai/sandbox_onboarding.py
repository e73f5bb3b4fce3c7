"""`make run`'s onboarding leg: a sandbox lead goes from five fields to `active` through the setup API,
with each step's progress shown live. Against the fakes, the landing page starts without the snippet
(validate_landing needs attention), the journey installs the rendered snippet and re-validates, the
test event reaches Meta with the test_event_code, and a live sale makes the session active. A second
`make run` re-validates the same session: nothing new is created at any provider.
"""

from __future__ import annotations

import secrets as pysecrets
import time
import uuid

import httpx
import psycopg

from core.settings import Settings
from fakes.perfectpay import approved_now
from service.auth import sign

LEAD_EMAIL = "sandbox-lead@trackai.local"
PP_TOKEN = "sandbox-onboarding-perfectpay-token"
TIMEOUT_S = 240


def jwt_secret(settings: Settings) -> str:
    """SUPABASE_JWT_SECRET, or a local one made once (the sandbox signs its lead's token with it)."""
    if settings.supabase_jwt_secret:
        return settings.supabase_jwt_secret
    path = settings.local_dir / "jwt.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(pysecrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _lead(settings: Settings) -> tuple[str, str | None]:
    """The sandbox lead's user id, and their session if one exists."""
    with psycopg.connect(settings.dsn, autocommit=True) as conn:
        row = conn.execute("select id from auth.users where email = %s", (LEAD_EMAIL,)).fetchone()
        user = row[0] if row else conn.execute("insert into auth.users (email) values (%s) returning id",
                                               (LEAD_EMAIL,)).fetchone()[0]
        session = conn.execute("select id from setup.sessions where created_by = %s", (user,)).fetchone()
    return str(user), str(session[0]) if session else None


def _print_changes(report: dict, seen: dict) -> None:
    for s in report["steps"]:
        state = (s["status"], s["attempts"], (s["diagnosis"] or {}).get("code"))
        if seen.get(s["name"]) != state:
            seen[s["name"]] = state
            why = f" — {s['diagnosis']['message_en']} ({s['diagnosis']['code']})" if s["diagnosis"] else ""
            print(f"[setup]   {s['name']:<22} {s['status']:<10} attempt {s['attempts']}{why}", flush=True)
    if seen.get("_session") != report["status"]:
        seen["_session"] = report["status"]
        print(f"[setup] session {report['status']}", flush=True)


def run(base: str, settings: Settings, landing_url: str, fields: dict) -> dict:
    user, existing = _lead(settings)
    token = sign({"sub": user, "role": "authenticated", "exp": int(time.time()) + 3600}, jwt_secret(settings))
    api = httpx.Client(base_url=f"{base}/api/v1/setup", timeout=30, headers={"authorization": f"Bearer {token}"})
    if existing:
        sid = existing
        api.post(f"/sessions/{sid}/validate", json={"all": True}).raise_for_status()
        print(f"[setup] re-running every step of session {sid} (each finds what exists before creating)")
    else:
        r = api.post("/sessions", json={"company_name": "Sandbox Onboarding", "landing_url": f"{landing_url}/oferta",
                                        "gateway": "perfectpay", "gateway_secret": PP_TOKEN, **fields})
        r.raise_for_status()
        sid = r.json()["session_id"]
        print(f"[setup] session {sid} created from the lead's five fields; webhook {r.json()['webhook_url']}")
    seen: dict = {}
    deadline = time.monotonic() + TIMEOUT_S
    sold = False
    while True:
        report = api.get(f"/sessions/{sid}/status").raise_for_status().json()
        _print_changes(report, seen)
        steps = {s["name"]: s for s in report["steps"]}
        landing = steps["validate_landing"]
        if report["status"] == "active":
            break
        if report["status"] == "event_received" and not sold:
            _live_sale(base, report, landing_url)
            sold = True
        elif (landing["status"] == "failed" and (landing["diagnosis"] or {}).get("code") == "landing.snippet_missing"
              and steps["render_snippet"]["status"] == "succeeded"):
            snippet = api.get(f"/sessions/{sid}/snippet").raise_for_status().json()["html"]
            page = httpx.get(f"{landing_url}/oferta").text.replace("</head>", f"{snippet}</head>")
            httpx.post(f"{landing_url}/_fake/html", json={"html": page}).raise_for_status()
            print("[setup] the lead pastes the snippet into the landing page and clicks validate", flush=True)
            api.post(f"/sessions/{sid}/validate").raise_for_status()
        failed = [s for s in report["steps"] if s["status"] == "failed" and s is not landing]
        if failed:
            raise RuntimeError("the sandbox session needs attention: " + "; ".join(
                f"{s['name']}: {s['diagnosis']['message_en']} {s['last_error'] or ''}" for s in failed))
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sandbox session did not become active within {TIMEOUT_S} s")
        time.sleep(0.3)
    snippet = api.get(f"/sessions/{sid}/snippet").raise_for_status().json()
    return {"session_id": sid, "report": report, "snippet": snippet, "test_event": steps["test_event"]["result"]}


def _live_sale(base: str, report: dict, landing_url: str) -> None:
    """The lead's first real customer: an ad click on the landing page, then the sale at Perfect Pay."""
    visitor = f"sbx-{uuid.uuid4().hex[:12]}"
    fbclid = "IwAR" + uuid.uuid4().hex
    httpx.post(f"{base}/collect", params={"key": report["collector_key"]}, timeout=10,
               headers={"Origin": landing_url, "User-Agent": "Mozilla/5.0 (sandbox) Chrome/140.0"},
               json={"event_name": "PageView", "event_id": f"pv-{visitor}", "visitor_id": visitor,
                     "url": f"{landing_url}/oferta?fbclid={fbclid}", "fbclid": fbclid}).raise_for_status()
    httpx.post(report["webhook_url"], timeout=10, json={
        "token": PP_TOKEN, "code": f"PPLIVE{uuid.uuid4().hex[:10].upper()}", "sale_amount": 497.0,
        "currency_enum": 1, "sale_status_enum": 2, "date_approved": approved_now(),
        "product": {"code": "PPPSBX", "name": "Curso Sandbox"},
        "customer": {"full_name": "Primeira Cliente", "email": "primeira.cliente@example.com",
                     "phone_area_code": "21", "phone_number": "987650000"},
        "metadata": {"src": visitor, "utm_source": "facebook"}}).raise_for_status()
    print("[setup] a live sale arrives through the webhook (no test code: the session goes live)", flush=True)
