"""Request and response bodies as documented in the OpenAPI document. Ingestion routes read raw JSON
(validated in SQL, stored raw) and answer with the body their SQL function wrote (a Response, passed through
as it is): these models only describe that contract to callers, to schemathesis and to openapi-typescript.
tests/test_every_success_answer_validates_against_its_declared_model.py holds them to what the routes send."""

from __future__ import annotations

from typing import Any, Literal

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


# ---- answers: what the SQL ingestion functions return on success -------------------------------------------

class NotificationStored(BaseModel):
    """A gateway notification stored and queued for the ingest worker (tracking.ingest_webhook_batch,
    tracking.ingest_mercadopago)."""

    status: Literal["accepted"]
    inbound_id: int = Field(description="The tracking.inbound row (trackai replay takes it).")
    event_id: str | None = Field(None, description="The Meta event_id the sale will carry; absent when its "
                                 "status maps to no Meta event, and for Mercado Pago (fetched first).")


class BrowserEventRecorded(BaseModel):
    """A browser event recorded (tracking.ingest_collect_batch)."""

    status: Literal["accepted"]
    event_id: str
    duplicate: bool = Field(description="true: an event with this event_id was already recorded.")


class EventRecorded(BaseModel):
    """A server event recorded (tracking.ingest_api). An X-Idempotency-Key repeated with the same body gets
    the first answer again."""

    status: Literal["accepted"]
    event_id: str
    event_status: str = Field(description="tracking.events.status: queued, received, skipped or invalid.")
    duplicate: bool


class NoMetaEvent(BaseModel):
    """A CRM business event this company maps to no Meta event: stored, nothing sent."""

    status: Literal["accepted"]
    meta_event: None
    note: str


class WhatsAppStoredPart(BaseModel):
    inbound_id: int
    processing: str = Field(description="What whatsapp.process_stored did with this company's entries.")


class WhatsAppNotificationStored(BaseModel):
    """whatsapp.ingest_webhook: one stored part per company the entries were routed to."""

    status: Literal["accepted"]
    stored: list[WhatsAppStoredPart]
    unrouted: int = Field(description="Entries for numbers no company connected (kept, not processed).")


class WhatsAppSaleRecorded(BaseModel):
    """whatsapp.ingest_sale: 201 the first time, 200 with status duplicate for a repeat."""

    status: Literal["accepted", "duplicate"]
    sale_id: int
    conversation_id: int
    event_name: str
    event_id: str | None
    event_status: str | None
    attribution: Literal["conversation", "contact_last_touch"]
    duplicate: bool


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
        # a discriminator's mapping names "#/$defs/..." too; inlined, the tag's const in each branch is enough
        return {k: {"propertyName": v["propertyName"]} if k == "discriminator" and "propertyName" in v
                else _inline(v, defs)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node
