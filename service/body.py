"""Reading request bodies safely: size cap, content type, JSON validity (before any database work)."""

from __future__ import annotations

import json

from fastapi import Request

from service.errors import ApiError

MAX_BODY_BYTES = 1_000_000
MAX_DEPTH = 32
# headers worth keeping with an inbound request; anything else (cookies, auth, signatures) is dropped
KEPT_HEADERS = ("user-agent", "content-type", "content-length", "x-forwarded-for", "x-request-id")


async def read_json_body(request: Request, *, allow_form: bool = False) -> str:
    """The raw body as text, once it is known to be at most 1 MB of valid JSON (an object or array)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json" and not (allow_form and ctype == "text/plain"):
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", "the body is over 1 MB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, "body_too_large", "the body is over 1 MB")
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8")
        parsed = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "the body is not valid UTF-8 JSON") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, "malformed_json", "the body must be a JSON object")
    if _depth(parsed) > MAX_DEPTH:
        raise ApiError(400, "json_too_deep", f"the JSON nests deeper than {MAX_DEPTH} levels")
    if "\x00" in text or "\\u0000" in text:
        raise ApiError(400, "malformed_json", "the body contains a NUL character, which cannot be stored")
    return text


def kept_headers(request: Request) -> str:
    return json.dumps({k: request.headers[k] for k in KEPT_HEADERS if k in request.headers})


def _depth(value, level: int = 1) -> int:
    """Nesting depth, stopping early once past the limit."""
    if level > MAX_DEPTH:
        return level
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max((_depth(c, level + 1) for c in children if isinstance(c, dict | list)), default=level)
