"""Report exports: the job runs (inline, or through RQ with REDIS_URL), the file holds the
report, progress reaches 100, and the signed download link serves it to its owner only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from shop_core.analytics import exports
from shop_core.db import read_session, unit_of_work, utcnow
from shop_core.errors import InvalidInput, NotFound, PermissionDenied
from shop_core.jobs.background import wait_for_background
from shop_core.security import encode_token
from tests.conftest import bearer, make_user
from tests.integration.analytics_fixtures import build_shop

MARCH = {"start": "2026-03-01", "end": "2026-03-10"}


@pytest.fixture
def shop() -> dict[str, int]:
    return build_shop()


def _start(kind: str, params: dict, actor) -> str:
    with unit_of_work() as s:
        export_id = exports.start_export(s, kind, params, actor)
    wait_for_background(timeout=60)
    return export_id


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_report_export_runs_and_downloads(api, shop, owner):
    export_id = _start("sales_by_product", MARCH, owner)
    with read_session() as s:
        view = exports.get_export(s, export_id, owner)
        listed = exports.list_exports(s, owner)
        url = exports.download_url(s, export_id, owner)
    assert (view.status, view.percent, view.row_count) == ("done", 100, 2)
    assert view.file_name == "sales-by-product-2026-03-01-to-2026-03-10.csv"
    assert view.params == {"start": "2026-03-01", "end": "2026-03-10"}
    assert [v.id for v in listed.items] == [export_id] and listed.total == 1

    response = api.get(url)  # no bearer header: the token is the credential
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert view.file_name in response.headers["content-disposition"]
    rows = _csv(response.content)
    assert rows[0][:4] == ["Product ID", "Product", "Order lines", "Gross sales"]
    header = rows[0]
    alpha = dict(zip(header, rows[1], strict=True))
    assert (alpha["Product"], alpha["Net sales"], alpha["Margin"]) == ("Alpha Tee", "5100", "2700")
    assert [r[1] for r in rows[1:]] == ["Alpha Tee", "Beta Mug"]
    assert response.content == exports.export_file(export_id).read_bytes()


def test_every_report_kind_exports(shop, owner):
    expected = {
        "sales_by_period": 2,
        "sales_by_category": 3,
        "inventory_valuation": 3,
        "low_stock": 1,
        "customer_rfm": 3,
        "orders": 3,
    }
    for kind, count in expected.items():
        export_id = _start(kind, MARCH, owner)
        with read_session() as s:
            view = exports.get_export(s, export_id, owner)
        assert (kind, view.status, view.row_count) == (kind, "done", count)
        lines = _csv(exports.export_file(export_id).read_bytes())
        assert len(lines) == count + 1
    orders = _csv(exports.export_file(export_id).read_bytes())
    assert [r[0] for r in orders[1:]] == ["O1", "O2", "O3"]


def test_download_link_refuses_bad_expired_and_foreign_tokens(api, shop, owner):
    export_id = _start("low_stock", {}, owner)
    with read_session() as s:
        good = exports.download_token(s, export_id, owner)
    base = f"/api/v1/admin/exports/{export_id}/download"

    tampered = api.get(base, params={"token": good[:-3] + "abc"})
    assert tampered.status_code == 403
    assert tampered.json()["error"]["code"] == "invalid_download_token"

    expired = encode_token(
        {"typ": exports.TOKEN_TYPE, "sub": str(owner.id), "eid": export_id},
        expires_at=utcnow() - timedelta(seconds=5),
    )
    gone = api.get(base, params={"token": expired})
    assert gone.status_code == 403 and gone.json()["error"]["code"] == "invalid_download_token"

    other_id = _start("inventory_valuation", {}, owner)
    swapped = api.get(f"/api/v1/admin/exports/{other_id}/download", params={"token": good})
    assert swapped.status_code == 403

    access = encode_token(
        {"typ": "access", "sub": str(owner.id), "eid": export_id},
        expires_at=utcnow() + timedelta(minutes=5),
    )
    assert api.get(base, params={"token": access}).status_code == 403

    unknown = api.get("/api/v1/admin/exports/" + "0" * 32 + "/download", params={"token": good})
    assert unknown.status_code == 403  # the token is bound to another id

    assert api.get(base).status_code == 401  # neither a token nor a bearer header
    assert api.get(base, params={"token": good}).status_code == 200


def test_exports_follow_permissions(api, shop, owner):
    marketer = make_user("m@example.com", "pw-123456789", role="marketer")
    support = make_user("s@example.com", "pw-123456789", role="support_technician")
    with unit_of_work() as s:
        with pytest.raises(PermissionDenied):
            exports.start_export(s, "sales_by_period", MARCH, support)
        with pytest.raises(InvalidInput):
            exports.start_export(s, "everything", MARCH, marketer)
        with pytest.raises(InvalidInput):
            exports.start_export(s, "sales_by_period", {"start": "2026-03-10", "end": "x"}, owner)

    mine = _start("sales_by_period", MARCH, marketer)
    owners = _start("low_stock", {}, owner)
    with read_session() as s:
        assert [v.id for v in exports.list_exports(s, marketer).items] == [mine]
        assert {v.id for v in exports.list_exports(s, owner).items} == {mine, owners}
        with pytest.raises(NotFound):
            exports.get_export(s, owners, marketer)
        with pytest.raises(PermissionDenied):
            exports.list_exports(s, make_user("x@example.com", "pw-123456789"))
        owner_token = exports.download_token(s, mine, owner)  # the owner sees every export
        marketer_token = exports.download_token(s, mine, marketer)

    base = f"/api/v1/admin/exports/{mine}/download"
    assert api.get(base, params={"token": owner_token}).status_code == 200
    assert api.get(base, params={"token": marketer_token}).status_code == 200

    # Demoted after the link was made: the link stops working.
    with unit_of_work() as s:
        from shop_core.accounts.models import User

        s.get(User, marketer.id).role = "support_technician"
    demoted = api.get(base, params={"token": marketer_token})
    assert demoted.status_code == 403 and demoted.json()["error"]["code"] == "forbidden"


def test_export_rest_flow(api, shop, owner_headers):
    started = api.post("/api/v1/admin/exports", json={"kind": "orders", "params": MARCH},
                       headers=owner_headers)  # fmt: skip
    assert started.status_code == 202, started.text
    export_id = started.json()["id"]
    wait_for_background(timeout=60)
    view = api.get(f"/api/v1/admin/exports/{export_id}", headers=owner_headers).json()
    assert (view["status"], view["percent"], view["row_count"]) == ("done", 100, 3)
    listed = api.get("/api/v1/admin/exports", headers=owner_headers).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == export_id
    link = api.post(f"/api/v1/admin/exports/{export_id}/link", headers=owner_headers)
    assert link.status_code == 200
    download = api.get(link.json()["url"])
    assert download.status_code == 200 and _csv(download.content)[1][0] == "O1"

    make_user("s@example.com", "pw-123456789", role="support_technician")
    support = bearer(api, "s@example.com", "pw-123456789")
    refused = api.post("/api/v1/admin/exports", json={"kind": "orders", "params": MARCH},
                       headers=support)  # fmt: skip
    assert refused.status_code == 403
    hidden = api.get(f"/api/v1/admin/exports/{export_id}", headers=support)
    assert hidden.status_code == 404
    # With a bearer header instead of a signed token: the owner may, others may not.
    direct = api.get(f"/api/v1/admin/exports/{export_id}/download", headers=owner_headers)
    assert direct.status_code == 200 and direct.content == download.content
    other = api.get(f"/api/v1/admin/exports/{export_id}/download", headers=support)
    assert other.status_code == 404


def test_large_export_reports_progress(shop, owner, monkeypatch):
    """Progress is written while rows stream (every PROGRESS_EVERY rows) and ends at 100."""
    from shop_core.jobs import runs

    seen: list[tuple[int, int]] = []
    original = runs.set_progress

    def record(run_id, done, total, message=""):
        seen.append((done, total))
        original(run_id, done, total, message)

    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(runs, "set_progress", record)
    export_id = _start("orders", MARCH, owner)
    with read_session() as s:
        view = exports.get_export(s, export_id, owner)
    assert (view.status, view.percent) == ("done", 100)
    assert (0, 3) in seen and (1, 3) in seen and (2, 3) in seen and seen[-1] == (3, 3)


def test_segment_export_streams_members(api, shop, owner):
    from shop_core.customers import segments

    support = make_user("s@example.com", "pw-123456789", role="support_technician")
    with unit_of_work() as s:
        segment = segments.create_segment(
            s, owner, name="Big spenders", rules=[{"type": "spent_over", "value": 4400}]
        )
    export_id = _start("segment", {"segment_id": segment.id}, support)
    with read_session() as s:
        view = exports.get_export(s, export_id, support)
        url = exports.download_url(s, export_id, support)
        with pytest.raises(NotFound):
            exports.start_export(s, "segment", {"segment_id": 999999}, owner)
        with pytest.raises(InvalidInput):
            exports.start_export(s, "segment", {}, owner)
    assert (view.status, view.row_count, view.percent) == ("done", 1, 100)
    assert view.file_name == "segment-big-spenders.csv"
    rows = _csv(api.get(url).content)
    assert rows[0][:3] == ["Id", "Name", "Email"]
    assert [r[2] for r in rows[1:]] == ["bob@example.com"]
