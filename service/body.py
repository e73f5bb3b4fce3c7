"""Reading request bodies safely: size cap, content type, JSON validity (before any database work)."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qsl

from fastapi import Request

from service.errors import ApiError

MAX_BODY_BYTES = 1_000_000
MAX_DEPTH = 32
_BRACKETS = re.compile(r"\[([^\]]*)\]")
# headers worth keeping with an inbound request; anything else (cookies, auth, signatures) is dropped
KEPT_HEADERS = ("user-agent", "content-type", "content-length", "x-forwarded-for", "x-request-id")


async def read_json_body(request: Request, *, allow_form: bool = False, optional: bool = False) -> str | None:
    """The raw body as text, once it is known to be at most 1 MB (counted while it streams in) of valid JSON
    (an object). With optional, an empty body, whatever its content type, is None."""
    ctype = _content_type(request)
    is_json = ctype == "application/json" or (allow_form and ctype == "text/plain")
    if not is_json and not optional:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    raw = await read_raw(request)
    if optional and not raw:
        return None
    if not is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    return _parse_json(raw)[0]


async def read_gateway_body(request: Request, body_format: str) -> tuple[bytes, str, dict]:
    """(raw bytes, JSON text, parsed) of a gateway notification: JSON, or for a gateway that posts a form
    (Monetizze, gateways_br.md §4.2) the form as a JSON object: its `json` field when present, else the
    PHP bracket keys (venda[codigo]=...) nested."""
    ctype = _content_type(request)
    if ctype == "application/json":
        raw = await read_raw(request)
        return raw, *_parse_json(raw)
    if body_format == "form" and ctype == "application/x-www-form-urlencoded":
        raw = await read_raw(request)
        return raw, *_form_json(raw)
    accepted = "application/json or application/x-www-form-urlencoded" if body_format == "form" else "application/json"
    raise ApiError(415, "unsupported_media_type", f"send the body as {accepted}")


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_raw(request: Request) -> bytes:
    if declared_length(request) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", "the body is over 1 MB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, "body_too_large", "the body is over 1 MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_json(raw: bytes) -> tuple[str, dict]:
    try:
        text = raw.decode("utf-8")
        parsed = loads_storable(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "the body is not valid UTF-8 JSON that jsonb can store") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, "malformed_json", "the body must be a JSON object")
    if _depth(parsed) > MAX_DEPTH:
        raise ApiError(400, "json_too_deep", f"the JSON nests deeper than {MAX_DEPTH} levels")
    if "\x00" in text or "\\u0000" in text:
        raise ApiError(400, "malformed_json", "the body contains a NUL character, which cannot be stored")
    return text, parsed


def _form_json(raw: bytes) -> tuple[str, dict]:
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(raw),
                          max_num_fields=5000)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "malformed_form", "the body is not a valid UTF-8 form") from None
    fields = dict(pairs)
    if "json" in fields:
        return _parse_json(fields["json"].encode("utf-8"))
    nested: dict = {}
    for key, value in pairs:
        path = [key.split("[", 1)[0], *_BRACKETS.findall(key)] if "[" in key else [key]
        node = nested
        for part in path[:-1]:
            child = node.get(part)
            node = node.setdefault(part, {}) if not isinstance(child, dict) else child
            if not isinstance(node, dict):
                raise ApiError(400, "malformed_form", f"the form key {key!r} clashes with another")
        node[path[-1]] = value
    return _parse_json(json.dumps(nested, ensure_ascii=False).encode("utf-8"))


def loads_storable(text: str):
    """json.loads, refusing (ValueError) what Python reads but Postgres' jsonb cannot store: NaN and
    Infinity, numbers beyond a double, and unpaired UTF-16 surrogate escapes such as "\\ud800"."""
    parsed = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    if ("\\ud" in text or "\\uD" in text) and _has_lone_surrogate(parsed):
        raise ValueError("unpaired surrogate escape")
    return parsed


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(literal: str) -> float:
    value = float(literal)
    mantissa = literal.lstrip("-").split("e")[0].split("E")[0]
    if math.isinf(value) or (value == 0 and mantissa.strip("0.")):
        raise ValueError("number out of range")
    return value


def _has_lone_surrogate(value) -> bool:
    """Python joins escaped surrogate pairs into one character, so what is left alone cannot be UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def declared_length(request: Request) -> int:
    """Content-Length as an int column can hold it (a forged header may say anything)."""
    declared = request.headers.get("content-length", "").strip()
    if not (declared.isascii() and declared.isdigit()):  # "²".isdigit() is true, int() refuses it
        return 0
    return min(int(declared.lstrip("0")[:12] or 0), 2**31 - 1)  # 12 digits: already past any limit


def kept_headers(request: Request) -> str:
    return json.dumps({k: request.headers[k] for k in KEPT_HEADERS if k in request.headers})


def _depth(value, level: int = 1) -> int:
    """Nesting depth, stopping early once past the limit."""
    if level > MAX_DEPTH:
        return level
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max((_depth(c, level + 1) for c in children if isinstance(c, dict | list)), default=level)
