"""Every error leaves the API as {"error": {"code", "message", "request_id"}}, with X-Request-Id to match."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from core.settings import load
from service.app import create_app


@pytest.fixture(scope="module")
def client(dsn):
    app = create_app(dataclasses.replace(load(), database_url=dsn))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_an_unknown_route_is_a_404_in_the_error_shape(client):
    response = client.get("/no/such/route")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == "not_found"
    assert isinstance(error["message"], str) and error["message"]
    assert error["request_id"] and response.headers["x-request-id"] == error["request_id"]


def test_a_sane_client_request_id_is_echoed(client):
    rid = "req-0123456789abcdef"
    response = client.get("/no/such/route", headers={"X-Request-Id": rid})
    assert response.headers["x-request-id"] == rid
    assert response.json()["error"]["request_id"] == rid


def test_an_unsafe_client_request_id_is_replaced(client):
    response = client.get("/no/such/route", headers={"X-Request-Id": "bad id\twith spaces"})
    rid = response.headers["x-request-id"]
    assert rid != "bad id\twith spaces" and response.json()["error"]["request_id"] == rid


def test_a_wrong_method_is_a_405_in_the_same_shape(client):
    response = client.delete("/health")
    assert response.status_code == 405
    error = response.json()["error"]
    assert error["code"] == "method_not_allowed" and error["request_id"] == response.headers["x-request-id"]
