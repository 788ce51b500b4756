"""Admin invitation/user endpoints of API.md, their permissions and the audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from shop_core.audit.models import AuditEntry
from shop_core.db import read_session, utcnow
from tests.conftest import bearer, make_user


def _admin_calls() -> list[tuple[str, str]]:
    """Every /admin route from the OpenAPI document, with path parameters filled in."""
    from shop_core.api.app import create_api

    spec = create_api().openapi()
    calls = []
    for path, ops in spec["paths"].items():
        if path.startswith("/api/v1/admin"):
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            calls.extend((method, concrete) for method in ops)
    return sorted(calls)


ADMIN_CALLS = _admin_calls()


def _call(api, method, path, headers=None):
    kwargs = {"headers": headers or {}}
    if method in ("post", "put", "patch"):
        kwargs["json"] = {}
    return getattr(api, method)(path, **kwargs)


def test_admin_routes_are_discovered():
    assert len(ADMIN_CALLS) >= 15
    assert ("post", "/api/v1/admin/invitations") in ADMIN_CALLS


@pytest.mark.parametrize(("method", "path"), ADMIN_CALLS)
def test_customer_gets_403_on_every_admin_endpoint(api, customer_headers, method, path):
    response = _call(api, method, path, customer_headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path"), ADMIN_CALLS)
def test_anonymous_gets_401_on_every_admin_endpoint(api, method, path):
    assert _call(api, method, path).status_code == 401


def test_support_technician_cannot_manage_invitations(api):
    make_user("tech@example.com", "tech-password-1", role="support_technician")
    headers = bearer(api, "tech@example.com", "tech-password-1")
    assert api.post("/api/v1/admin/invitations", json={}, headers=headers).status_code == 403


def test_create_batch_with_options(api, owner_headers):
    expires = (utcnow() + timedelta(days=7)).isoformat()
    response = api.post(
        "/api/v1/admin/invitations",
        json={"count": 3, "max_uses": 5, "expires_at": expires},
        headers=owner_headers,
    )
    assert response.status_code == 201
    items = response.json()["items"]
    assert len(items) == 3
    assert len({i["code"] for i in items}) == 3
    for item in items:
        assert set(item) >= {"code", "status", "max_uses", "uses", "expires_at"}
        assert item["status"] == "active" and item["max_uses"] == 5 and item["uses"] == 0


def test_create_defaults_single_use(api, owner_headers):
    item = api.post("/api/v1/admin/invitations", json={}, headers=owner_headers).json()["items"][0]
    assert item["max_uses"] == 1 and item["expires_at"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"count": 0},
        {"count": 100000},
        {"max_uses": 0},
        {"count": "many"},
        {"expires_at": "yesterday"},
        {"expires_at": "2001-01-01T00:00:00Z"},
        {"expires_at": "2099-01-01T00:00:00"},
    ],
)
def test_create_rejects_bad_input(api, owner_headers, body):
    response = api.post("/api/v1/admin/invitations", json=body, headers=owner_headers)
    assert response.status_code == 422
    assert response.json()["error"]["fields"]
    assert api.get("/api/v1/admin/invitations", headers=owner_headers).json()["total"] == 0


def test_list_filters_by_status_and_shows_who_used(api, owner_headers):
    codes = [
        i["code"]
        for i in api.post(
            "/api/v1/admin/invitations", json={"count": 3}, headers=owner_headers
        ).json()["items"]
    ]
    api.patch(
        f"/api/v1/admin/invitations/{codes[0]}", json={"status": "disabled"}, headers=owner_headers
    )
    api.post(
        "/api/v1/auth/register",
        json={
            "invite_code": codes[1].lower(),
            "name": "Uma",
            "email": "uma@example.com",
            "password": "uma-password-1",
        },
    )

    def listed(status):
        response = api.get(f"/api/v1/admin/invitations?status={status}", headers=owner_headers)
        assert response.status_code == 200
        return response.json()

    assert [i["code"] for i in listed("disabled")["items"]] == [codes[0]]
    used = listed("used")
    assert [i["code"] for i in used["items"]] == [codes[1]]
    assert used["items"][0]["used_by"][0]["email"] == "uma@example.com"
    assert [i["code"] for i in listed("active")["items"]] == [codes[2]]
    assert listed("expired")["total"] == 0
    page = api.get("/api/v1/admin/invitations?per_page=2&page=2", headers=owner_headers).json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 2, 2, 1)


def test_list_rejects_unknown_status_and_big_pages(api, owner_headers):
    assert (
        api.get("/api/v1/admin/invitations?status=bogus", headers=owner_headers).status_code == 422
    )
    assert (
        api.get("/api/v1/admin/invitations?per_page=101", headers=owner_headers).status_code == 422
    )


def test_patch_unknown_code_and_bad_status(api, owner_headers, invite_code):
    missing = api.patch(
        "/api/v1/admin/invitations/NOPE", json={"status": "disabled"}, headers=owner_headers
    )
    assert missing.status_code == 404
    bad = api.patch(
        f"/api/v1/admin/invitations/{invite_code}", json={"status": "active"}, headers=owner_headers
    )
    assert bad.status_code == 422


def test_invitation_actions_are_audited(api, owner, owner_headers, invite_code):
    api.patch(
        f"/api/v1/admin/invitations/{invite_code}",
        json={"status": "disabled"},
        headers=owner_headers,
    )
    with read_session() as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.target_id == invite_code).order_by(AuditEntry.id)
        ).all()
    assert [e.action for e in entries] == ["invitation.created", "invitation.disabled"]
    assert entries[1].actor_email == owner.email
    assert entries[1].before == {"status": "active"} and entries[1].after == {"status": "disabled"}
    listed = api.get("/api/v1/admin/audit?action=invitation.disabled", headers=owner_headers).json()
    assert listed["total"] == 1 and listed["items"][0]["target_id"] == invite_code


def test_users_search_and_role_filter(api, owner_headers, customer):
    make_user("tech@example.com", "tech-password-1", role="support_technician", name="Tia Tech")
    found = api.get("/api/v1/admin/users?q=tia", headers=owner_headers).json()
    assert [u["email"] for u in found["items"]] == ["tech@example.com"]
    customers = api.get("/api/v1/admin/users?role=customer", headers=owner_headers).json()
    assert [u["email"] for u in customers["items"]] == [customer.email]
    assert api.get("/api/v1/admin/users?role=wizard", headers=owner_headers).status_code == 422


def test_change_role_is_audited_and_takes_effect(
    api, owner, owner_headers, customer, customer_headers
):
    response = api.patch(
        f"/api/v1/admin/users/{customer.id}",
        json={"role": "support_technician"},
        headers=owner_headers,
    )
    assert response.status_code == 200
    assert response.json()["role"] == "support_technician"
    # the customer's existing token now carries the new permissions (checked per request)
    assert "support.handle" in api.get("/api/v1/me", headers=customer_headers).json()["permissions"]
    with read_session() as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "user.role_changed")
        ).one()
    assert entry.actor_email == owner.email
    assert entry.before["role"] == "customer" and entry.after["role"] == "support_technician"


def test_last_owner_cannot_be_demoted(api, owner, owner_headers):
    response = api.patch(
        f"/api/v1/admin/users/{owner.id}", json={"role": "customer"}, headers=owner_headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "last_owner"


def test_change_role_unknown_user_or_role(api, owner_headers, customer):
    assert (
        api.patch(
            "/api/v1/admin/users/99999", json={"role": "owner"}, headers=owner_headers
        ).status_code
        == 404
    )
    assert (
        api.patch(
            f"/api/v1/admin/users/{customer.id}", json={"role": "god"}, headers=owner_headers
        ).status_code
        == 422
    )
