"""openapi.json (the API's OpenAPI document, committed at the root) is what the app declares, and the example
dashboard's HTTP client types are what the pinned openapi-typescript makes of it: a route or model change not
followed by `make openapi` fails here."""

from __future__ import annotations

import json

from trackai import contracts


def test_the_committed_openapi_document_is_the_apps():
    assert contracts.OPENAPI_FILE.read_text() == contracts.openapi_document(), (
        "openapi.json is stale: run `make openapi` and commit it")


def test_the_example_http_types_are_generated_from_the_committed_document():
    assert contracts.HTTP_TYPES_FILE.read_text() == contracts.http_client_types(), (
        f"{contracts.HTTP_TYPES_FILE.relative_to(contracts.REPO_ROOT)} is stale: run `make openapi` and commit it")


def test_every_operation_declares_the_body_of_each_success():
    doc = json.loads(contracts.OPENAPI_FILE.read_text())
    undeclared = [f"{method.upper()} {path} {status}"
                  for path, item in doc["paths"].items() for method, op in item.items()
                  for status, answer in op["responses"].items() if status.startswith("2")
                  for media in (answer.get("content") or {None: {}}).values() if not media.get("schema")]
    assert not undeclared, undeclared
