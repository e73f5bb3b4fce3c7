"""Brazilian checkout platforms as senders of sale notifications, shaped like the examples in
../shared/reference/gateways_br.md (Hotmart, Kiwify, Eduzz, Monetizze, Braip, Kirvano, Ticto and the Utmify
orders format), each authenticated the way its platform does: a header, a body token, an HMAC over the
raw bytes. Tests, the sandbox and benchmarks post these to the API.

`Checkout.notification(kind, order, ...)` builds the body for a kind of event (approved, pending, refunded,
chargeback, refused, abandoned), with the amount in the platform's unit and the time in its form.
`Checkout.send(client, key, body)` posts it as the platform would.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
KINDS = ("approved", "pending", "refunded", "chargeback", "refused", "abandoned")


@dataclass(frozen=True)
class Buyer:
    name: str = "Maria Exemplo Silva"
    email: str = "comprador@example.com"
    phone: str = "11988887777"  # area code + number, as most platforms write it
    cpf: str = "52998224725"
    ip: str = "203.0.113.10"


@dataclass
class Checkout:
    gateway: str
    secret: str  # what the platform is configured with: hottok, webhook token, secret key ...

    # --- what a platform sends ------------------------------------------------------------------------
    def notification(self, kind: str, order: str, *, visitor: str | None = None, amount: Decimal = Decimal("197.90"),
                     when: datetime | None = None, buyer: Buyer = Buyer(), test: bool = False) -> dict:
        when = when or datetime.now(UTC) - timedelta(minutes=1)
        return getattr(self, f"_{self.gateway}")(kind, order, visitor, Decimal(amount), when, buyer, test)

    def path(self, key: str) -> str:
        return "/api/v1/orders" if self.gateway == "utmify" else f"/webhooks/{self.gateway}/{key}"

    def send(self, client, key: str, body: dict, *, secret: str | None = None):
        """POST `body` as the platform does, authenticated with `secret` (default: the right one)."""
        secret = self.secret if secret is None else secret
        raw = json.dumps(body, ensure_ascii=False).encode()
        headers, params = {"content-type": "application/json"}, {}
        if self.gateway == "hotmart":
            headers["x-hotmart-hottok"] = secret
        elif self.gateway == "kiwify":
            params["signature"] = hmac.new(secret.encode(), raw, hashlib.sha1).hexdigest()
        elif self.gateway == "eduzz":
            headers["x-signature"] = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        elif self.gateway == "kirvano":
            headers["security-token"] = secret
        elif self.gateway == "utmify":
            headers["x-api-token"] = secret
        elif self.gateway == "monetizze":  # a form whose `json` field holds the payload
            body = {**body, "chave_unica": secret}
            raw = urlencode({"json": json.dumps(body, ensure_ascii=False), "chave_unica": secret,
                             "venda[codigo]": body["venda"].get("codigo") or ""}).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
        else:  # braip, ticto: the token in the body
            body = {**body, {"braip": "basic_authentication", "ticto": "token"}[self.gateway]: secret}
            raw = json.dumps(body, ensure_ascii=False).encode()
        return client.post(self.path(key), content=raw, headers=headers, params=params)

    # --- the platforms' shapes (gateways_br.md §1-§8) ---------------------------------------------------
    def _hotmart(self, kind, order, visitor, amount, when, buyer, test):
        event = {"approved": "PURCHASE_APPROVED", "pending": "PURCHASE_BILLET_PRINTED", "refunded": "PURCHASE_REFUNDED",
                 "chargeback": "PURCHASE_CHARGEBACK", "refused": "PURCHASE_CANCELED",
                 "abandoned": "PURCHASE_OUT_OF_SHOPPING_CART"}[kind]
        ms = int(when.timestamp() * 1000)
        return {
            "id": str(uuid.uuid4()), "creation_date": ms, "event": event, "version": "2.0.0",
            "data": {
                "product": {"id": 0 if test else 5413386, "ucode": "50d5cde2-1f92-4b61-a42a-1f287383a7c4",
                            "name": "Produto test postback2" if test else "Curso Exemplo"},
                "buyer": {"email": buyer.email, "name": buyer.name, "first_name": buyer.name.split()[0],
                          "last_name": buyer.name.split()[-1], "checkout_phone_code": buyer.phone[:2],
                          "checkout_phone": buyer.phone, "document": buyer.cpf, "document_type": "CPF",
                          "address": {"city": "São Paulo", "country": "Brasil", "country_iso": "BR", "state": "SP",
                                      "zipcode": "01000000"}},
                "purchase": {
                    "approved_date": ms, "order_date": ms - 60_000,
                    "price": {"value": float(amount), "currency_value": "BRL"},
                    "full_price": {"value": float(amount), "currency_value": "BRL"},
                    "checkout_country": {"name": "Brasil", "iso": "BR"},
                    "origin": {"sck": visitor or "HOTMART_PRODUCT_PAGE", "xcod": visitor} if visitor else
                              {"sck": "HOTMART_PRODUCT_PAGE"},
                    "status": event.removeprefix("PURCHASE_"), "transaction": order,
                    "payment": {"installments_number": 1, "type": "PIX"}, "buyer_ip": buyer.ip,
                },
            },
        }

    def _kiwify(self, kind, order, visitor, amount, when, buyer, test):
        local = when.astimezone(SAO_PAULO).strftime("%Y-%m-%d %H:%M")
        name = "John Doe" if test else buyer.name
        customer = {"full_name": name, "first_name": name.split()[0],
                    "email": "johndoe@example.com" if test else buyer.email, "mobile": "+55" + buyer.phone,
                    "CPF": buyer.cpf, "ip": buyer.ip, "country": "br"}
        tracking = {"src": None, "sck": visitor, "utm_source": "facebook", "utm_medium": None, "utm_campaign": "bf",
                    "utm_content": None, "utm_term": None, "s1": None, "s2": None, "s3": None}
        if kind == "abandoned":  # a cart: no webhook_event_type [shape NÃO CONFIRMADO]
            return {"cart": {"id": order, "status": "abandoned", "email": customer["email"], "name": name,
                             "phone": customer["mobile"], "created_at": local}}
        event, status = {"approved": ("order_approved", "paid"), "pending": ("pix_created", "waiting_payment"),
                         "refunded": ("order_refunded", "refunded"), "chargeback": ("chargeback", "chargedback"),
                         "refused": ("order_rejected", "refused")}[kind]
        cents = int(amount * 100)
        return {
            "order_id": order, "order_ref": order[:7], "order_status": status, "product_type": "payment",
            "payment_method": "pix", "store_id": "IUuICjDIMZh18ff", "created_at": local, "updated_at": local,
            "approved_date": local if kind == "approved" else None,
            "refunded_at": local if kind == "refunded" else None, "webhook_event_type": event,
            "Product": {"product_id": "7b9afcf0-6049-11f1-9238-450795acb5a2", "product_name": "Curso Exemplo"},
            "Customer": customer,
            "Commissions": {"charge_amount": cents, "product_base_price": cents, "product_base_price_currency": "BRL",
                            "kiwify_fee": 294, "currency": "BRL", "my_commission": cents - 294},
            "TrackingParameters": tracking,
        }

    def _eduzz(self, kind, order, visitor, amount, when, buyer, test):
        iso = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        event, status = {"approved": ("invoice_paid", "paid"),
                         "pending": ("invoice_waiting_payment", "waiting_payment"),
                         "refunded": ("invoice_refunded", "refunded"),
                         "chargeback": ("invoice_chargeback", "chargeback"),
                         "refused": ("invoice_refused", "refused"),
                         "abandoned": ("cart_abandonment", "abandoned_cart")}[kind]
        return {
            "id": uuid.uuid4().hex[:11], "event": f"myeduzz.{event}", "sentDate": iso,
            "data": {
                "id": order, "status": status,
                "producer": {"id": "123456", "email": "produtor@example.com", "name": "Produtor Exemplo"},
                "utm": {"source": "facebook", "campaign": "campanha", "content": "anuncio", "medium": "cpc"},
                "tracker": {"code1": visitor, "code2": None, "code3": None},
                "buyer": {"name": buyer.name, "email": buyer.email, "phone": None, "cellphone": "+55" + buyer.phone,
                          "document": buyer.cpf},
                "createdAt": iso, "price": {"currency": "BRL", "value": float(amount)}, "paymentMethod": "creditCard",
                "installments": 1,
                "items": [{"productId": "P567", "name": "Curso Exemplo",
                           "price": {"currency": "BRL", "value": float(amount)}}],
            },
        }

    def _monetizze(self, kind, order, visitor, amount, when, buyer, test):
        local = when.astimezone(SAO_PAULO).strftime("%Y-%m-%d %H:%M:%S")
        code = {"approved": 2, "pending": 1, "refunded": 4, "chargeback": 5, "refused": 3, "abandoned": 7}[kind]
        return {
            "venda": {"codigo": None if kind == "abandoned" else order, "dataInicio": local,
                      "dataFinalizada": local if kind == "approved" else None, "formaPagamento": "Cartão de crédito",
                      "status": {2: "Finalizada", 1: "Aguardando pagamento"}.get(code, "Cancelada"),
                      "valor": f"{amount:.2f}", "quantidade": "1", "src": visitor or "", "utm_source": "facebook",
                      "utm_medium": "cpc", "utm_content": "anuncio01", "utm_campaign": "campanha01"},
            "produto": {"codigo": "145388", "chave": "4a920341e79639658c2459847e146da9",
                        "nome": "X-Wing" if test else "Produto Exemplo"},
            "comprador": {"nome": buyer.name, "email": buyer.email, "cnpj_cpf": buyer.cpf, "telefone": buyer.phone,
                          "cep": "01000000", "cidade": "São Paulo", "estado": "SP", "pais": "BR"},
            "tipoEvento": {"codigo": code, "descricao": "Finalizada / Aprovada" if code == 2 else ""},
            "postback_evento": str(code), "tipoPostback": {"codigo": 2, "descricao": "Produtor"},
            "codigo_venda": order, "codigo_status": str(code),
        }

    def _braip(self, kind, order, visitor, amount, when, buyer, test):
        local = when.astimezone(SAO_PAULO).strftime("%Y-%m-%d %H:%M:%S")
        # only 1 and 2 are confirmed codes; the others are read from the status text
        code, text = {"approved": (2, "Pagamento Aprovado"), "pending": (1, "Aguardando Pagamento"),
                      "refunded": (3, "Devolvida"), "chargeback": (9, "Chargeback"),
                      "refused": (4, "Pagamento Recusado"), "abandoned": (0, "")}[kind]
        cents = int(amount * 100)
        return {
            "type": "ABANDONO" if kind == "abandoned" else "STATUS_ALTERADO", "currency": "BRL",
            "plan_key": "pla5k9d1", "product_name": "Produto Exemplo", "product_key": "prolwvzw",
            "trans_createdate": local, "trans_updatedate": local, "trans_key": None if kind == "abandoned" else order,
            "trans_status": text, "trans_status_code": code, "trans_value": cents, "trans_total_value": cents,
            "trans_payment": 2, "trans_payment_date": local if kind == "approved" else None,
            "meta": {"src": visitor, "utm_source": "cp160400", "utm_campaign": "240400", "fbclid": "IwAR1h1Hw"},
            "postback_type": "Produtor", "client_name": buyer.name, "client_email": buyer.email,
            "client_cel": "55 " + buyer.phone, "client_documment": buyer.cpf, "client_address_city": "São Paulo",
            "client_address_state": "SP", "client_address_country": "BR", "client_zip_code": "01000000",
        }

    def _kirvano(self, kind, order, visitor, amount, when, buyer, test):
        local = when.astimezone(SAO_PAULO).strftime("%Y-%m-%d %H:%M:%S")
        event, status = {"approved": ("SALE_APPROVED", "APPROVED"), "pending": ("PIX_GENERATED", "PENDING"),
                         "refunded": ("SALE_REFUNDED", "REFUNDED"), "chargeback": ("SALE_CHARGEBACK", "CHARGEBACK"),
                         "refused": ("SALE_REFUSED", "REFUSED"),
                         "abandoned": ("ABANDONED_CART", "ABANDONED_CART")}[kind]
        reais = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        return {
            "event": event, "event_description": "Compra aprovada", "checkout_id": "Q8J1N6K3",
            "sale_id": None if kind == "abandoned" else order, "payment_method": "CREDIT_CARD",
            "total_price": f"R$ {reais}", "type": "ONE_TIME", "status": status, "created_at": local,
            "customer": {"name": buyer.name, "document": buyer.cpf, "email": buyer.email,
                         "phone_number": "55" + buyer.phone},
            "payment": {"method": "CREDIT_CARD", "brand": "visa", "installments": 1, "finished_at": local},
            "products": [{"id": "6c5708c9-7ae9-4ba3-aefc-c16029d4e729", "name": "Curso Exemplo", "price": f"R$ {reais}",
                          "is_order_bump": False}],
            "utm": {"src": visitor, "utm_source": "facebook", "utm_medium": "cpc", "utm_campaign": "bf"},
            "cookies": {"fbp": "fb.1.1700000000000.1234567890"},
        }

    def _ticto(self, kind, order, visitor, amount, when, buyer, test):
        local = when.astimezone(SAO_PAULO).strftime("%Y-%m-%d %H:%M:%S")
        status = {"approved": "authorized", "pending": "pix_created", "refunded": "refunded",
                  "chargeback": "chargeback", "refused": "refused", "abandoned": "abandoned_cart"}[kind]
        cents = int(amount * 100)
        return {
            "version": "2.0", "status": status, "status_date": local, "payment_method": "credit_card",
            "order": {"id": 797057, "hash": None if kind == "abandoned" else order, "transaction_hash": "TPC" + order,
                      "paid_amount": cents, "installments": 1, "order_date": local},
            "customer": {"name": buyer.name, "email": buyer.email, "cpf": buyer.cpf, "cnpj": None, "type": "person",
                         "is_foreign": False,
                         "phone": {"ddi": "+55", "ddd": buyer.phone[:2], "number": buyer.phone[2:]},
                         "address": {"city": "São Paulo", "state": "SP", "zip_code": "01000000", "country": "Brasil"}},
            "item": {"product_name": "Curso Exemplo", "product_id": 23292, "amount": cents},
            "tracking": {"utm_source": "Não Informado", "utm_medium": "Não Informado", "utm_campaign": "Não Informado",
                         "src": visitor or "Não Informado", "sck": "Não Informado"},
            "query_params": {"code": "O84ABA07F"},
        }

    def _utmify(self, kind, order, visitor, amount, when, buyer, test):
        utc = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        status = {"approved": "paid", "pending": "waiting_payment", "refunded": "refunded",
                  "chargeback": "chargedback", "refused": "refused"}[kind]
        cents = int(amount * 100)
        return {
            "orderId": order, "platform": "GlobalPay", "paymentMethod": "pix", "status": status,
            "createdAt": utc, "approvedDate": utc if kind == "approved" else None,
            "refundedAt": utc if kind == "refunded" else None,
            "customer": {"name": buyer.name, "email": buyer.email, "phone": buyer.phone, "document": buyer.cpf,
                         "country": "BR", "ip": buyer.ip},
            "products": [{"id": "53d5ce96", "name": "Curso Exemplo", "planId": None, "planName": None, "quantity": 1,
                          "priceInCents": cents}],
            "trackingParameters": {"src": visitor, "sck": None, "utm_source": "FB",
                                   "utm_campaign": "CAMPANHA_2|413591587909524"},
            "commission": {"totalPriceInCents": cents, "gatewayFeeInCents": 400, "userCommissionInCents": cents - 400},
            "isTest": test,
        }


CHECKOUTS = {
    "hotmart": Checkout("hotmart", "hottok-0123456789abcdef"),
    "kiwify": Checkout("kiwify", "kiwify-webhook-token-01"),
    "eduzz": Checkout("eduzz", "eduzz-secret-key-0123"),
    "monetizze": Checkout("monetizze", "a762b04bee2cb1bf05454082305c8fc5"),
    "braip": Checkout("braip", "80745f59b717407e11ec37ef2c6f02ad95676ce8"),
    "kirvano": Checkout("kirvano", "kirvano-token-0123456"),
    "ticto": Checkout("ticto", "AqmMaY4OjKCdxSwIk1bs0123"),
    "utmify": Checkout("utmify", "utmify-api-token-0123456789"),
}
