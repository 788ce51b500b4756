"""REST adapters for customers and segments: shapes, status codes and RBAC."""

from __future__ import annotations

import pytest

from tests.conftest import bearer, make_user
from tests.integration.customers_fixtures import build_world

PASSWORD = "staff-password-123"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def headers(api):
    made = {}
    for role in ("owner", "support_technician", "marketer", "operations"):
        email = f"{role.replace('_', '-')}@api.test"
        make_user(email, PASSWORD, role=role, name=role.title())
        made[role] = bearer(api, email, PASSWORD)
    return made


def test_customer_list_profile_and_tags(api, world, headers):
    support = headers["support_technician"]
    listed = api.get("/api/v1/admin/customers?sort=spent_desc&per_page=2", headers=support)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["total"], body["page"], body["per_page"]) == (4, 1, 2)
    first = body["items"][0]
    assert (first["id"], first["orders_count"], first["total_spent"]) == (world.ava, 2, 13000)
    assert first["tags"] == ["vip"]
    found = api.get("/api/v1/admin/customers", params={"q": "okafor"}, headers=support).json()
    assert [c["id"] for c in found["items"]] == [world.liam]

    profile = api.get(f"/api/v1/admin/customers/{world.ava}?per_page=3", headers=support)
    assert profile.status_code == 200
    p = profile.json()
    assert (p["lifetime_value"], p["average_order_value"], p["refunds_total"]) == (
        13000,
        6500,
        2000,
    )
    assert p["orders"]["total"] == 4 and len(p["orders"]["items"]) == 3
    assert p["addresses"][0]["city"] == "Oslo" and p["tickets"]["total"] == 2

    added = api.post(
        f"/api/v1/admin/customers/{world.zoe}/tags", json={"tag": "Gift Buyer"}, headers=support
    )
    assert added.status_code == 200 and added.json() == {"tags": ["gift-buyer", "newsletter"]}
    removed = api.delete(f"/api/v1/admin/customers/{world.zoe}/tags/newsletter", headers=support)
    assert removed.json() == {"tags": ["gift-buyer"]}
    tags = api.get("/api/v1/admin/customers/tags", headers=support).json()["items"]
    assert {"tag": "vip", "customers": 2} in tags


def test_customer_errors(api, world, headers):
    owner = headers["owner"]
    bad_tag = api.post(
        f"/api/v1/admin/customers/{world.zoe}/tags", json={"tag": "!!"}, headers=owner
    )
    assert bad_tag.status_code == 422 and "tag" in bad_tag.json()["error"]["fields"]
    assert api.get("/api/v1/admin/customers/999999", headers=owner).status_code == 404
    bad_sort = api.get("/api/v1/admin/customers?sort=nope", headers=owner)
    assert bad_sort.status_code == 422
    naive = api.get("/api/v1/admin/customers?last_order_after=2026-01-01T00:00:00", headers=owner)
    assert naive.status_code == 422


def test_rbac(api, world, headers):
    ops = headers["operations"]
    assert api.get("/api/v1/admin/customers", headers=ops).status_code == 403
    assert api.get("/api/v1/admin/segments", headers=ops).status_code == 403
    assert api.get("/api/v1/admin/customers").status_code == 401
    tagged = api.post(f"/api/v1/admin/customers/{world.zoe}/tags", json={"tag": "x"}, headers=ops)
    assert tagged.status_code == 403
    body = {"name": "VIP", "rules": [{"type": "has_tag", "value": "vip"}]}
    support = headers["support_technician"]
    assert api.post("/api/v1/admin/segments", json=body, headers=support).status_code == 403
    assert api.get("/api/v1/admin/segments", headers=support).status_code == 200


def test_segments_crud_preview_and_members(api, world, headers):
    marketer = headers["marketer"]
    body = {
        "match": "all",
        "rules": [{"type": "has_tag", "value": "vip"}, {"type": "no_order_in_days", "value": 30}],
    }
    preview = api.post("/api/v1/admin/segments/preview", json=body | {"limit": 5}, headers=marketer)
    assert preview.status_code == 200, preview.text
    preview_body = preview.json()
    assert preview_body["count"] == 1 and preview_body["members"][0]["id"] == world.noah
    created = api.post(
        "/api/v1/admin/segments", json={"name": "Lapsed VIPs", **body}, headers=marketer
    )
    assert created.status_code == 201, created.text
    seg = created.json()
    assert seg["member_count"] == 1
    assert (
        api.post(
            "/api/v1/admin/segments", json={"name": "lapsed vips", **body}, headers=marketer
        ).status_code
        == 409
    )
    listed = api.get("/api/v1/admin/segments", headers=marketer).json()
    assert listed["total"] == 1 and listed["items"][0]["member_count"] == 1
    members = api.get(f"/api/v1/admin/segments/{seg['id']}/members", headers=marketer).json()
    assert [m["id"] for m in members["items"]] == [world.noah]
    body["match"] = "any"
    updated = api.put(
        f"/api/v1/admin/segments/{seg['id']}",
        json={"name": "Lapsed or VIP", **body},
        headers=marketer,
    )
    assert updated.status_code == 200 and updated.json()["member_count"] == 3
    bad = api.post(
        "/api/v1/admin/segments",
        json={"name": "Bad", "rules": [{"type": "astrology", "value": "leo"}]},
        headers=marketer,
    )
    assert bad.status_code == 422 and "rules.0" in bad.json()["error"]["fields"]
    assert api.delete(f"/api/v1/admin/segments/{seg['id']}", headers=marketer).status_code == 204
    assert api.get(f"/api/v1/admin/segments/{seg['id']}", headers=marketer).status_code == 404
