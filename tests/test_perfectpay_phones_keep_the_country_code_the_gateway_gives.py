"""Through the Perfect Pay webhook, the buyer's phone is hashed with the country calling code Perfect Pay
gives in `customer.phone_extension` (gateways.md §1.3); 55 is added only when no code is given and the
number is a valid Brazilian one (meta_capi.md §3: "always include the country code"). A Spanish number
is not read as a Brazilian DDD 34, an Argentine mobile keeps its 9 (E.164: +54 9 <area> <number>). The
sale row carries the same hash as the event. The direct API keeps a code written with + (issue 15)."""

from __future__ import annotations

import hashlib

from tests.apiutil import postback

# phone_extension, phone_area_code, phone_number -> the digits Meta's ph is the SHA-256 of
CASES = [
    ("34", "", "911234567", "34911234567", "Spain, whose code 34 is also a Brazilian DDD"),
    ("+34", "91", "1234567", "34911234567", "Spain, code written with + and the area in its field"),
    ("55", "34", "991234567", "5534991234567", "Brazil, DDD 34"),
    ("", "34", "991234567", "5534991234567", "Brazil, DDD 34, no code given: 55 added"),
    (None, "31", "983323121", "5531983323121", "no phone_extension at all: 55 added"),
    ("", "11", "87654321", "1187654321", "no code and no valid Brazilian number: no 55"),
    ("351", "", "912345678", "351912345678", "Portugal"),
    ("54", "", "91123456789", "5491123456789", "Argentina, a mobile with its 9"),
    ("54", "9", "1123456789", "5491123456789", "Argentina, the mobile 9 in the area field"),
    ("1", "650", "5551212", "16505551212", "NANP"),
]


def _sha(digits: str) -> str:
    return hashlib.sha256(digits.encode()).hexdigest()


def test_the_phone_is_hashed_with_the_gateways_country_code_and_55_only_without_one(client, tenant, conn):
    wrong = []
    for i, (extension, area, number, digits, why) in enumerate(CASES):
        body = postback(code=f"PP-CC-{i}")
        customer = {**body["customer"], "phone_area_code": area, "phone_number": number}
        if extension is None:
            customer.pop("phone_extension")
        else:
            customer["phone_extension"] = extension
        r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json={**body, "customer": customer})
        assert r.status_code == 200, r.text
        event_ph, sale_ph = conn.execute(
            "select e.user_data ->> 'ph', s.ph from tracking.events e"
            " join tracking.sales s on s.purchase_event_pk = e.id where e.event_id = %s",
            (r.json()["event_id"],)).fetchone()
        if (event_ph, sale_ph) != (_sha(digits), _sha(digits)):
            wrong.append(f"{why}: +{extension} {area} {number} should hash {digits}")
    assert wrong == []


def test_the_direct_api_keeps_a_country_code_written_with_plus(client, tenant, conn):
    hashed = {}
    for i, phone in enumerate(["+34 911 234 567", "(34) 99123-4567", "+54 9 11 2345-6789"]):
        r = client.post("/api/purchases/record", headers={"X-Api-Key": tenant.api_key}, json={
            "order_id": f"ORD-PH-{i}", "value": 10, "email": f"ph{i}@example.com", "phone": phone})
        assert r.status_code == 201, r.text
        hashed[phone] = conn.execute("select user_data ->> 'ph' from tracking.events where event_id = %s",
                                     (r.json()["event_id"],)).fetchone()[0]
    assert hashed == {"+34 911 234 567": _sha("34911234567"), "(34) 99123-4567": _sha("5534991234567"),
                      "+54 9 11 2345-6789": _sha("5491123456789")}
