"""Health, readiness, metrics, OpenAPI, error format and security headers."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("prefix", ["", "/api/v1"])
def test_healthz_and_readyz(api, prefix):
    assert api.get(f"{prefix}/healthz").json() == {"status": "ok"}
    ready = api.get(f"{prefix}/readyz")
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert checks["database"] == "ok"


def test_metrics_are_prometheus_text(api):
    api.get("/api/v1/healthz")
    body = api.get("/metrics").text
    assert "shop_http_requests_total" in body
    assert 'route="/api/v1/healthz"' in body


def test_openapi_lists_the_contract(api):
    spec = api.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/me",
        "/api/v1/admin/invitations",
        "/api/v1/admin/invitations/{code}",
        "/api/v1/admin/users",
        "/api/v1/healthz",
        "/api/v1/readyz",
    ]:
        assert path in spec["paths"], path
    assert api.get("/api/v1/docs").status_code == 200


def test_unknown_route_uses_error_format(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_security_headers_and_request_id(api):
    response = api.get("/api/v1/healthz", headers={"X-Request-ID": "abc123"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Request-ID"] == "abc123"


JUNK_BODIES = [
    None,
    "",
    "[]",
    "null",
    "{",
    '{"email": 5}',
    '{"password": null}',
    "\x00\xff",
    "9" * 5000,
]
ENDPOINTS = [
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("post", "/api/v1/admin/invitations"),
    ("patch", "/api/v1/admin/invitations/X"),
    ("patch", "/api/v1/admin/users/1"),
    ("patch", "/api/v1/me"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_junk_input_never_500(api, owner_headers, method, path):
    for body in JUNK_BODIES:
        response = getattr(api, method)(
            path,
            content=body.encode("utf-8", "surrogateescape") if isinstance(body, str) else None,
            headers={**owner_headers, "Content-Type": "application/json"},
        )
        assert response.status_code < 500, (body, response.status_code, response.text)
        if response.status_code >= 400:
            assert "error" in response.json()


def test_junk_tokens_never_500(api):
    for token in ["", "a.b.c", "Bearer", "x" * 5000, "eyJhbGciOiJub25lIn0.e30."]:
        response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
