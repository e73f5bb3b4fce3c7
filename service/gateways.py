"""The gateways the API takes notifications from, as `tracking.gateways` lists them (loaded at start-up),
and where each one's credential travels. What a notification means is decided in SQL (each gateway's
adapter); this module only finds the credential in the request."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request


@dataclass(frozen=True)
class Gateway:
    gateway: str
    label: str
    auth: str  # token | hmac_sha1_hex | hmac_sha256_hex | mercadopago
    credential_in: tuple[str, ...]  # header:<name> | query:<name> | body:<key>, tried in order
    credential_label: str
    secret_kind: str
    body_format: str  # json | form
    credential_min_length: int = 8  # the shortest credential the setup API takes

    def credential(self, request: Request, body: dict) -> str | None:
        """The first credential found where the gateway sends it, or None."""
        for place in self.credential_in:
            where, _, name = place.partition(":")
            value = (request.headers.get(name) if where == "header"
                     else request.query_params.get(name) if where == "query" else body.get(name))
            if isinstance(value, str) and value:
                return value
        return None

    def names_where(self) -> str:
        """Where the credential goes, in words, for error messages."""
        words = {"header": "the {} header", "query": "the ?{}= URL parameter", "body": "the body's {} field"}
        return " or ".join(words[w].format(n) for w, _, n in (p.partition(":") for p in self.credential_in))


async def of(app) -> dict[str, Gateway]:
    """The gateways, read once per process (on first use: the API starts even while the database is down)."""
    known = getattr(app.state, "gateways", None)
    if known is None:
        async with app.state.pool.connection() as conn:
            rows = await (await conn.execute(
                "select gateway, label, auth, credential_in, credential_label, secret_kind, body_format,"
                " credential_min_length from tracking.gateways")).fetchall()
        known = app.state.gateways = {r[0]: Gateway(r[0], r[1], r[2], tuple(r[3]), r[4], r[5], r[6], r[7])
                                      for r in rows}
    return known
