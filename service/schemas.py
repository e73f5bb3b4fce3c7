"""Request bodies as documented in the OpenAPI document. Routes read raw JSON (validated in SQL, stored
raw); these models only describe the contract to callers and to schemathesis."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class GatewayNotification(_Open):
    """A checkout platform's own notification, as it sends it (../shared/reference/gateways_br.md): each
    gateway's adapter in SQL reads it. Perfect Pay's, for one: token, code, sale_status_enum, sale_amount,
    customer, metadata.src."""


class UtmifyCustomer(_Open):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    document: str | None = None
    country: str | None = None
    ip: str | None = None


class UtmifyOrder(_Open):
    orderId: str = Field(description="The order id: with status, the idempotency key.")  # noqa: N815 - Utmify's name
    status: str = Field(description="waiting_payment | paid | refused | refunded | chargedback")
    createdAt: str = Field(description="YYYY-MM-DD HH:MM:SS in UTC")  # noqa: N815
    approvedDate: str | None = None  # noqa: N815
    customer: UtmifyCustomer | None = None
    products: list[dict[str, Any]] | None = None
    trackingParameters: dict[str, Any] | None = None  # noqa: N815
    commission: dict[str, Any] | None = Field(None, description="totalPriceInCents, currency")
    isTest: bool | None = Field(None, description="true: a test, never a live event")  # noqa: N815


class BrowserEvent(_Open):
    event_name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{1,49}$")
    event_id: str = Field(description="The eventID also given to fbq, for browser/server dedup.")
    visitor_id: str
    url: str
    referrer: str | None = None
    fbclid: str | None = None
    fbc: str | None = None
    fbp: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_content: str | None = None
    utm_term: str | None = None
    user_data: dict[str, str] | None = None


class Conversion(_Open):
    event_name: str
    event_id: str | None = None
    order_id: str | None = None
    event_time: int | str | None = None
    action_source: str | None = None
    event_source_url: str | None = None
    user_data: dict[str, str] | None = None
    custom_data: dict[str, Any] | None = None
    visitor_id: str | None = None


class LeadCapture(_Open):
    lead_id: str | None = None
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    visitor_id: str | None = None
    event_source_url: str | None = None


class PurchaseRecord(_Open):
    order_id: str
    value: float
    currency: str = "BRL"
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    visitor_id: str | None = None


class BusinessEvent(_Open):
    id: str = Field(description="The CRM's id of this event.")
    event: str = Field(pattern="^(LeadCreated|LeadQualified|DealStatusChanged|ContractSigned)$")
    occurred_at: str | None = None
    lead: dict[str, Any] | None = None
    deal: dict[str, Any] | None = None


def body_doc(model: type[BaseModel]) -> dict:
    """The request body of an operation, with nested models inlined: pydantic's "#/$defs/..." refs point
    at the root of the OpenAPI document, where nothing is, so clients (and schemathesis) could not resolve
    them."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": _inline(schema, defs)}}}}


def _inline(node, defs: dict):
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node
