"""A local fake of the Mercado Pago payments API plus a signer for its webhook notifications.

Serves `GET /v1/payments/{id}` (Bearer access token) the way api.mercadopago.com does
(/work/shared/reference/gateways.md §2.4), and builds notifications signed exactly per §2.1-§2.3:

    fake = MercadoPagoFake()
    fake.add_token("APP_USR-seller")
    payment = fake.add_payment(status="approved", transaction_amount=197.0, external_reference="order-1")
    query, headers, body = signed_notification(payment["id"], "webhook-secret")
    httpx.post(f"{our_api}/webhooks/mercadopago", params=query, headers=headers, json=body)

Error bodies (observed shapes; MP has no published error catalogue):
- no token    401 {"message":"Must provide your access_token to proceed","error":"unauthorized",
                   "status":401,"cause":[{"code":5,...}]}
- bad token   401 {"message":"invalid access token","error":"unauthorized","status":401,"cause":[]}
- not found   404 {"message":"Payment not found","error":"not_found","status":404,
                   "cause":[{"code":2000,"description":"Payment not found","data":"<ts>;<uuid>"}]}
A payment belongs to one seller (`collector_id`); another seller's token gets the 404, as MP answers
for a notification meant for a different account.

Process form: `python -m fakes.mercadopago --port 8102 --token TOKEN[:USER_ID]`, controlled under
`/_fake/...` (see `_control_routes`).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fakes import base

DEFAULT_USER_ID = 1_234_567_890
BRT = timezone(timedelta(hours=-3))

DEFAULT_STATUS_DETAIL = {
    "approved": "accredited", "pending": "pending_waiting_transfer", "authorized": "pending_capture",
    "in_process": "pending_review_manual", "in_mediation": "in_mediation",
    "rejected": "cc_rejected_other_reason", "cancelled": "expired", "refunded": "refunded",
    "charged_back": "settled",
}
WAS_APPROVED = {"approved", "refunded", "charged_back", "in_mediation"}


def mp_time(ts: float) -> str:
    """MP's datetime format: `2024-01-10T12:00:00.000-03:00`."""
    dt = datetime.fromtimestamp(ts, BRT)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}" + dt.strftime("%z")[:3] + ":00"


def build_payment(payment_id: int, *, status: str = "approved", status_detail: str | None = None,
                  transaction_amount: float = 97.0, currency_id: str = "BRL",
                  external_reference: str | None = None, metadata: dict[str, Any] | None = None,
                  payment_method_id: str = "pix", payment_type_id: str = "bank_transfer",
                  description: str = "Produto digital", collector_id: int = DEFAULT_USER_ID,
                  payer: dict[str, Any] | None = None, ip_address: str | None = "177.37.140.10",
                  created_at: float | None = None, live_mode: bool = False,
                  **extra: Any) -> dict[str, Any]:
    """A full `GET /v1/payments/{id}` object with the fields gateways.md §2.4 lists."""
    if status not in DEFAULT_STATUS_DETAIL:
        raise ValueError(f"status must be one of {sorted(DEFAULT_STATUS_DETAIL)}")
    created = time.time() if created_at is None else created_at
    approved = created + 5 if status in WAS_APPROVED else None
    payer_obj = {
        "id": "1987654321", "type": None, "email": "comprador@example.com", "first_name": "Maria",
        "last_name": "Souza", "identification": {"type": "CPF", "number": "19119119100"},
        "phone": {"area_code": "11", "number": "987654321", "extension": None}, "entity_type": None,
    }
    for key, value in (payer or {}).items():  # nested objects are merged one level deep
        payer_obj[key] = {**payer_obj[key], **value} if isinstance(payer_obj.get(key), dict) else value
    fee = round(transaction_amount * 0.0099, 2)
    payment = {
        "id": int(payment_id),
        "status": status,
        "status_detail": status_detail or DEFAULT_STATUS_DETAIL[status],
        "transaction_amount": float(transaction_amount),
        "transaction_amount_refunded": float(transaction_amount) if status == "refunded" else 0.0,
        "currency_id": currency_id,
        "date_created": mp_time(created),
        "date_approved": mp_time(approved) if approved else None,
        "date_last_updated": mp_time(approved or created),
        "money_release_date": mp_time(approved + 86_400) if approved else None,
        "description": description,
        "external_reference": external_reference,
        "metadata": dict(metadata or {}),
        "payment_method_id": payment_method_id,
        "payment_type_id": payment_type_id,
        "operation_type": "regular_payment",
        "installments": 1,
        "captured": True,
        "live_mode": live_mode,
        "collector_id": collector_id,
        "order": {},
        "payer": payer_obj,
        "additional_info": {"ip_address": ip_address, "items": [], "payer": {
            "first_name": payer_obj["first_name"], "last_name": payer_obj["last_name"],
            "phone": {"area_code": payer_obj["phone"].get("area_code"),
                      "number": payer_obj["phone"].get("number")}}},
        "transaction_details": {"net_received_amount": round(transaction_amount - fee, 2),
                                "total_paid_amount": float(transaction_amount),
                                "installment_amount": float(transaction_amount), "overpaid_amount": 0},
        "fee_details": [{"type": "mercadopago_fee", "amount": fee, "fee_payer": "collector"}],
    }
    payment.update(extra)
    return payment


# --------------------------------------------------------------------------------------------------
# Webhook notifications (gateways.md §2.1-§2.3)


def manifest(data_id: str | None, request_id: str | None, ts: str | int) -> str:
    """`id:<data.id lowercased>;request-id:<x-request-id>;ts:<ts>;`, dropping absent pairs."""
    parts = []
    if data_id:
        parts.append(f"id:{str(data_id).lower()};")
    if request_id:
        parts.append(f"request-id:{request_id};")
    parts.append(f"ts:{ts};")
    return "".join(parts)


def signature_v1(secret: str, data_id: str | None, request_id: str | None, ts: str | int) -> str:
    return hmac.new(secret.encode(), manifest(data_id, request_id, ts).encode(), hashlib.sha256).hexdigest()


def signed_notification(payment_id: int | str, secret: str, request_id: str | None = None,
                        ts: int | str | None = None, *, action: str = "payment.updated",
                        user_id: int = DEFAULT_USER_ID, live_mode: bool = False,
                        notification_id: int | None = None) -> tuple[dict[str, str], dict[str, str], dict]:
    """A `payment` webhook as MP sends it: (query_params, headers, json_body).

    `request_id=None` generates a UUID; `request_id=""` sends no x-request-id header (the manifest
    then omits that pair). `ts` defaults to now in milliseconds (the doc's stated unit and the unit
    of the worked vectors; receivers should accept seconds too)."""
    data_id = str(payment_id)
    if request_id is None:
        request_id = str(uuid.uuid4())
    if ts is None:
        ts = int(time.time() * 1000)
    query = {"data.id": data_id, "type": "payment"}
    headers = {"x-signature": f"ts={ts},v1={signature_v1(secret, data_id, request_id, ts)}",
               "content-type": "application/json"}
    if request_id:
        headers["x-request-id"] = request_id
    body = {
        "id": notification_id if notification_id is not None else int(time.time() * 1000) % 10**11,
        "live_mode": live_mode, "type": "payment", "date_created": mp_time(time.time()),
        "user_id": user_id, "api_version": "v1", "action": action, "data": {"id": data_id},
    }
    return query, headers, body


def send_notification(url: str, payment_id: int | str, secret: str, *, timeout_s: float = 10.0,
                      **kwargs: Any) -> httpx.Response:
    """Build a signed notification and POST it to `url` (our webhook endpoint)."""
    query, headers, body = signed_notification(payment_id, secret, **kwargs)
    return httpx.post(url, params=query, headers=headers, json=body, timeout=timeout_s)


# --------------------------------------------------------------------------------------------------
# The API fake


def _error(status: int, message: str, error: str, cause: list[dict[str, Any]] | None = None) -> Response:
    return base.json_response({"message": message, "error": error, "status": status,
                               "cause": cause or []}, status)


class MercadoPagoFake:
    """In-memory payments + tokens and the ASGI `app`. Public methods are thread-safe."""

    def __init__(self, *, start_id: int = 1_320_000_000):
        self._lock = threading.RLock()
        self._tokens: dict[str, int] = {}
        self._payments: dict[int, dict[str, Any]] = {}
        self._requests: list[dict[str, Any]] = []
        self._start_id = start_id
        self._next_id = start_id
        self._fail_next: list[int] = []
        self.latency_ms = 0.0
        self.app = Starlette(routes=[
            Route("/v1/payments/{payment_id}", self._get_payment, methods=["GET"]),
            *self._control_routes(),
        ])

    # ---- state -----------------------------------------------------------------------------------

    def add_token(self, token: str, user_id: int = DEFAULT_USER_ID) -> None:
        """Accept `token` as the access token of seller `user_id`."""
        with self._lock:
            self._tokens[token] = int(user_id)

    def add_payment(self, payment: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Store a payment: a complete object as given, or `build_payment(**fields)`. Returns a copy."""
        with self._lock:
            if payment is None:
                payment_id = fields.pop("id", None) or self._new_id()
                payment = build_payment(payment_id, **fields)
            else:
                payment = copy.deepcopy(payment)
                payment.setdefault("id", self._new_id())
                payment["id"] = int(payment["id"])
                payment.setdefault("collector_id", DEFAULT_USER_ID)
            self._payments[payment["id"]] = payment
            return copy.deepcopy(payment)

    def update_payment(self, payment_id: int | str, **changes: Any) -> dict[str, Any]:
        """Change fields (e.g. status); keeps status_detail/date_* consistent unless given."""
        with self._lock:
            payment = self._payments[int(payment_id)]
            now = mp_time(time.time())
            status = changes.get("status")
            if status is not None:
                if status not in DEFAULT_STATUS_DETAIL:
                    raise ValueError(f"status must be one of {sorted(DEFAULT_STATUS_DETAIL)}")
                changes.setdefault("status_detail", DEFAULT_STATUS_DETAIL[status])
                if status == "approved" and not payment.get("date_approved"):
                    changes.setdefault("date_approved", now)
            changes.setdefault("date_last_updated", now)
            payment.update(changes)
            return copy.deepcopy(payment)

    def payment(self, payment_id: int | str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._payments[int(payment_id)])

    def fail_next(self, n: int = 1, status: int = 500) -> None:
        """The next `n` API requests answer `status` (5xx: MP-style internal error body)."""
        with self._lock:
            self._fail_next.extend([status] * n)

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._requests]

    def reset(self, *, registry: bool = False) -> None:
        """Forget the request log and faults; `registry` also drops payments and tokens."""
        with self._lock:
            self._requests.clear()
            self._fail_next.clear()
            self.latency_ms = 0.0
            if registry:
                self._payments.clear()
                self._tokens.clear()
                self._next_id = self._start_id

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # ---- HTTP ------------------------------------------------------------------------------------

    async def _get_payment(self, request: Request) -> Response:
        entry = {"method": "GET", "path": request.url.path, "status": None, "at": time.time()}
        with self._lock:
            self._requests.append(entry)
            failure = self._fail_next.pop(0) if self._fail_next else None
        await base.sleep_ms(self.latency_ms)
        response = self._answer(request, failure)
        entry["status"] = response.status_code
        return response

    def _answer(self, request: Request, failure: int | None) -> Response:
        if failure is not None:
            if failure >= 500:
                return _error(failure, "Internal server error", "internal_server_error")
            return _error(failure, "Injected failure", "bad_request")
        token = base.bearer_token(request) or request.query_params.get("access_token")
        if not token:
            message = "Must provide your access_token to proceed"
            return _error(401, message, "unauthorized", [{"code": 5, "description": message, "data": None}])
        with self._lock:
            user_id = self._tokens.get(token)
            raw_id = request.path_params["payment_id"]
            payment = self._payments.get(int(raw_id)) if raw_id.isdigit() else None
            found = copy.deepcopy(payment) if payment and payment.get("collector_id") == user_id else None
        if user_id is None:
            return _error(401, "invalid access token", "unauthorized")
        if found is None:
            trace = datetime.now(UTC).strftime("%d-%m-%YT%H:%M:%SUTC") + f";{uuid.uuid4()}"
            return _error(404, "Payment not found", "not_found",
                          [{"code": 2000, "description": "Payment not found", "data": trace}])
        return base.json_response(found)

    def _control_routes(self) -> list[Route]:
        async def body(request: Request) -> dict[str, Any]:
            raw = await request.body()
            return json.loads(raw) if raw else {}

        async def health(request: Request) -> Response:
            return base.json_response({"ok": True})

        async def reset(request: Request) -> Response:
            self.reset(registry=bool((await body(request)).get("registry")))
            return base.json_response({"ok": True})

        async def tokens(request: Request) -> Response:
            b = await body(request)
            self.add_token(str(b["token"]), int(b.get("user_id", DEFAULT_USER_ID)))
            return base.json_response({"ok": True})

        async def payments(request: Request) -> Response:
            try:
                return base.json_response(self.add_payment(**await body(request)), 201)
            except (TypeError, ValueError) as exc:
                return base.json_response({"ok": False, "error": str(exc)}, 400)

        async def update(request: Request) -> Response:
            try:
                return base.json_response(self.update_payment(request.path_params["payment_id"],
                                                               **await body(request)))
            except KeyError:
                return base.json_response({"ok": False, "error": "unknown payment"}, 404)
            except ValueError as exc:
                return base.json_response({"ok": False, "error": str(exc)}, 400)

        async def faults(request: Request) -> Response:
            b = await body(request)
            if "latency_ms" in b:
                self.latency_ms = float(b["latency_ms"])
            if b.get("fail_next"):
                self.fail_next(int(b["fail_next"]), int(b.get("status", 500)))
            return base.json_response({"ok": True, "latency_ms": self.latency_ms,
                                       "queued": list(self._fail_next)})

        async def requests_(request: Request) -> Response:
            return base.json_response({"requests": self.requests()})

        async def notification(request: Request) -> Response:
            b = await body(request)
            query, headers, payload = signed_notification(
                b["payment_id"], b["secret"], b.get("request_id"), b.get("ts"),
                action=b.get("action", "payment.updated"), user_id=int(b.get("user_id", DEFAULT_USER_ID)))
            return base.json_response({"query": query, "headers": headers, "body": payload})

        return [
            Route("/_fake/health", health, methods=["GET"]),
            Route("/_fake/reset", reset, methods=["POST"]),
            Route("/_fake/tokens", tokens, methods=["POST"]),
            Route("/_fake/payments", payments, methods=["POST"]),
            Route("/_fake/payments/{payment_id}", update, methods=["POST"]),
            Route("/_fake/faults", faults, methods=["POST"]),
            Route("/_fake/requests", requests_, methods=["GET"]),
            Route("/_fake/notifications", notification, methods=["POST"]),
        ]


def main(argv: list[str] | None = None) -> None:
    def add_arguments(parser):
        parser.add_argument("--token", action="append", default=[], metavar="TOKEN[:USER_ID]",
                            help=f"accept an access token (seller USER_ID, default {DEFAULT_USER_ID})")

    def build(args):
        fake = MercadoPagoFake()
        for value in args.token:
            token, sep, user_id = value.rpartition(":")
            if not (sep and user_id.isdigit()):
                token, user_id = value, ""
            fake.add_token(token, int(user_id) if user_id else DEFAULT_USER_ID)
        return fake.app

    base.run_cli("mercadopago", build, default_port=8102, add_arguments=add_arguments, argv=argv)


if __name__ == "__main__":
    main()
