"""CSV import/export of products as background jobs: round trip, new products with options,
all-or-nothing imports with line-numbered errors, progress, permissions and upload checks.

Runs inline (a background thread) on the embedded defaults, and through RQ when REDIS_URL
is set; `wait_for_background` drains either.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from shop_core.catalog import csv_io
from shop_core.catalog.models import Product, Variant
from shop_core.db import read_session
from shop_core.inventory.models import StockMovement
from shop_core.jobs.background import wait_for_background
from shop_core.settings import get_settings
from tests.conftest import bearer, make_user
from tests.integration.catalog_helpers import product_body

ADMIN = "/api/v1/admin"
HEADER = ",".join(csv_io.COLUMNS)


@pytest.fixture
def api() -> Iterator[TestClient]:
    """The API with the CSV router, whether or not create_api() includes it yet."""
    from shop_core.api.admin_catalog_csv import router
    from shop_core.api.app import create_api

    app = create_api()
    if not any(getattr(r, "path", "") == f"{ADMIN}/products/import" for r in app.routes):
        app.include_router(router, prefix="/api/v1")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    wait_for_background()


def csv_text(*rows: dict[str, object], columns: tuple[str, ...] = csv_io.COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def upload(api, headers, content: str | bytes, *, name="products.csv", ctype="text/csv"):
    data = content.encode() if isinstance(content, str) else content
    return api.post(
        f"{ADMIN}/products/import", files={"file": (name, data, ctype)}, headers=headers
    )


def run_import(api, headers, content: str | bytes) -> dict:
    response = upload(api, headers, content)
    assert response.status_code == 202, response.text
    return finished(api, headers, response.json()["run_id"])


def finished(api, headers, run_id: str) -> dict:
    wait_for_background()
    response = api.get(f"{ADMIN}/jobs/{run_id}", headers=headers)
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["status"] in ("done", "failed"), run
    return run


def export(api, headers, **body) -> tuple[dict, str]:
    response = api.post(f"{ADMIN}/products/export", json=body or None, headers=headers)
    assert response.status_code == 202, response.text
    run = finished(api, headers, response.json()["run_id"])
    assert run["status"] == "done", run
    download = api.get(f"{ADMIN}/jobs/{run['id']}/download", headers=headers)
    assert download.status_code == 200, download.text
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert "products-" in download.headers["content-disposition"]
    return run, download.content.decode("utf-8-sig")


def counts() -> tuple[int, int, int]:
    with read_session() as session:
        return tuple(
            int(session.exec(select(func.count()).select_from(model)).one())
            for model in (Product, Variant, StockMovement)
        )


def create_category(api, headers, name: str) -> dict:
    response = api.post(f"{ADMIN}/categories", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_export_then_import_updates_in_place_without_duplicates(api, owner_headers):
    shirts = create_category(api, owner_headers, "Shirts")
    body = product_body(
        "Sunny Linen Shirt",
        variants=3,
        category_ids=[shirts["id"]],
        tags=["summer", "linen"],
        seo={"title": "Linen shirt", "description": "=cool, and not a formula"},
        images=[{"url": "/media/a.webp", "alt": "Front"}, {"url": "/media/b.webp"}],
    )
    body["variants"][1]["compare_at_price"] = 4000
    first = api.post(f"{ADMIN}/products", json=body, headers=owner_headers).json()
    second = api.post(
        f"{ADMIN}/products", json=product_body("Plain Mug", variants=1), headers=owner_headers
    ).json()
    before = {
        p["id"]: api.get(f"{ADMIN}/products/{p['id']}", headers=owner_headers).json()
        for p in (first, second)
    }
    totals = counts()

    run, text = export(api, owner_headers)
    assert run["result"] == {"products": 2, "rows": 4}
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["sku"] for r in rows] == [v["sku"] for v in first["variants"]] + [
        second["variants"][0]["sku"]
    ]
    assert (
        rows[0]["categories"] == "shirts" and rows[0]["image_urls"] == "/media/a.webp|/media/b.webp"
    )
    assert rows[0]["seo_description"].startswith("'=")  # no formula for spreadsheets
    assert rows[1]["description"] == "" and rows[1]["product_id"] == str(first["id"])
    assert rows[0]["stock"] == "5" and rows[1]["compare_at_price"] == "4000"

    result = run_import(api, owner_headers, text)
    assert result["status"] == "done", result
    assert result["result"] | {"rows": 4} == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "products": 2,
        "rows": 4,
    }
    assert counts() == totals  # same products, same variants, no stock moved
    for pid, old in before.items():
        new = api.get(f"{ADMIN}/products/{pid}", headers=owner_headers).json()
        assert new == old  # untouched, not even updated_at

    # Edits in the exported file update those products in place, nothing else.
    rows[2]["price"] = "9900"
    rows[3]["title"] = "Plain Mug II"
    result = run_import(api, owner_headers, csv_text(*rows))
    assert result["status"] == "done", result
    assert (result["result"]["updated"], result["result"]["unchanged"]) == (2, 0)
    assert counts() == totals
    for pid, old in before.items():
        new = api.get(f"{ADMIN}/products/{pid}", headers=owner_headers).json()
        assert new["updated_at"] > old["updated_at"]
        if pid == first["id"]:
            assert [v["price"] for v in new["variants"]] == [2500, 3000, 9900]
            old["variants"][2]["price"] = 9900
        else:
            assert new["title"] == "Plain Mug II"
            old["title"] = new["title"]
        for key in ("updated_at", "price_max", "seo"):
            old.pop(key), new.pop(key)
        assert new == old  # variant ids, images (with alt), SEO, categories all kept


def test_import_creates_products_with_variants_and_options(api, owner_headers):
    create_category(api, owner_headers, "Tees")
    common = {"title": "Trail Tee", "option1_name": "Size", "option2_name": "Color"}
    content = csv_text(
        {
            **common,
            "description": "Soft, with\na second line",
            "status": "active",
            "tags": "Outdoor, summer",
            "categories": "tees",
            "image_urls": "https://cdn.example/tee.jpg|https://cdn.example/tee-back.jpg",
            "sku": "TT-S-RED",
            "option1_value": "S",
            "option2_value": "Red",
            "price": 1990,
            "compare_at_price": 2490,
            "cost_price": 700,
            "weight_grams": 180,
            "stock": 4,
        },
        {**common, "sku": "TT-M-RED", "option1_value": "M", "option2_value": "Red", "price": 1990},
        # Option names may be left out after the first row of a product.
        {
            "title": "Trail Tee",
            "sku": "TT-M-BLU",
            "option1_value": "M",
            "option2_value": "Blue",
            "price": 2190,
            "stock": 2,
        },
        {"title": "Enamel Mug", "slug": "enamel-mug", "sku": "MUG-1", "price": 1200, "stock": 10},
    )
    run = run_import(api, owner_headers, content)
    assert run["status"] == "done", run
    assert (run["result"]["created"], run["result"]["updated"]) == (2, 0)
    assert run["result"]["rows"] == 4

    tee = api.get("/api/v1/products/trail-tee").json()
    assert tee["description"] == "Soft, with\na second line"
    assert tee["tags"] == ["outdoor", "summer"]
    assert [c["slug"] for c in tee["categories"]] == ["tees"]
    assert [i["url"] for i in tee["images"]] == [
        "https://cdn.example/tee.jpg",
        "https://cdn.example/tee-back.jpg",
    ]
    assert tee["options"] == [
        {"name": "Size", "values": ["S", "M"]},
        {"name": "Color", "values": ["Red", "Blue"]},
    ]
    assert [
        (v["sku"], v["option_values"], v["price"], v["available"]) for v in tee["variants"]
    ] == [
        ("TT-S-RED", {"Size": "S", "Color": "Red"}, 1990, 4),
        ("TT-M-RED", {"Size": "M", "Color": "Red"}, 1990, 0),
        ("TT-M-BLU", {"Size": "M", "Color": "Blue"}, 2190, 2),
    ]
    assert tee["variants"][0]["compare_at_price"] == 2490
    mug = api.get(f"{ADMIN}/products?q=enamel", headers=owner_headers).json()["items"][0]
    assert (mug["slug"], mug["status"], mug["price_min"]) == ("enamel-mug", "draft", 1200)


def test_bad_rows_fail_the_run_with_line_numbers_and_nothing_is_imported(api, owner_headers):
    existing = api.post(
        f"{ADMIN}/products", json=product_body("Existing", variants=1), headers=owner_headers
    ).json()
    totals = counts()
    content = csv_text(
        {"title": "Good One", "sku": "GOOD-1", "price": 1000, "stock": 3},  # line 2
        {
            "title": "Twins",
            "sku": "TWIN-1",
            "option1_name": "Size",
            "option1_value": "S",
            "price": 500,
        },  # line 3
        {
            "title": "Twins",
            "sku": "twin-1",
            "option1_name": "Size",
            "option1_value": "M",
            "price": 500,
        },  # line 4: duplicate SKU (case-insensitive)
        {"title": "Decimal", "sku": "DEC-1", "price": "12.50"},  # line 5
        {"slug": "no-title", "sku": "NT-1", "price": 100},  # line 6: new product without title
        {"title": "Taken", "sku": existing["variants"][0]["sku"], "price": 100},  # line 7
        {"title": "Negative", "sku": "NEG-1", "price": -5},  # line 8
    )
    run = run_import(api, owner_headers, content)
    assert run["status"] == "failed"
    assert "nothing was imported" in run["message"]
    errors = run["result"]["errors"]
    by_line = {e["line"]: e for e in errors}
    assert sorted(by_line) == [4, 5, 6, 7, 8], errors
    assert "also on line 3" in by_line[4]["message"] and by_line[4]["sku"] == "twin-1"
    assert "1250" in by_line[5]["message"] and by_line[5]["sku"] == "DEC-1"
    assert "title is missing" in by_line[6]["message"]
    assert f"product {existing['id']}" in by_line[7]["message"]
    assert "price" in by_line[8]["message"]
    assert run["result"]["error_count"] == len(errors)
    assert counts() == totals  # not even the good rows

    report = api.get(f"{ADMIN}/jobs/{run['id']}/download", headers=owner_headers)
    assert report.status_code == 200
    assert "import-errors" in report.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert [int(r["line"]) for r in lines] == [4, 5, 6, 7, 8]


def test_a_conflict_found_while_applying_rolls_back_every_earlier_product(
    api, owner_headers, monkeypatch
):
    """Rows that pass the checks but fail inside the transaction (e.g. a concurrent
    writer took a SKU) still leave nothing behind, and map back to their CSV line."""
    existing = api.post(
        f"{ADMIN}/products", json=product_body("Existing", variants=1), headers=owner_headers
    ).json()
    totals = counts()
    monkeypatch.setattr(csv_io, "_check_against_catalog", lambda *a, **k: True)
    content = csv_text(
        *({"title": f"Fine {i}", "sku": f"FINE-{i}", "price": 100, "stock": 1} for i in range(5)),
        {
            "title": "Late",
            "sku": "LATE-1",
            "option1_name": "Size",
            "option1_value": "S",
            "price": 100,
        },
        {
            "title": "Late",
            "sku": existing["variants"][0]["sku"],
            "option1_name": "Size",
            "option1_value": "M",
            "price": 100,
        },
    )
    run = run_import(api, owner_headers, content)
    assert run["status"] == "failed", run
    taken = existing["variants"][0]["sku"]
    assert [(e["line"], e["sku"]) for e in run["result"]["errors"]] == [(8, taken)]
    assert existing["variants"][0]["sku"] in run["result"]["errors"][0]["message"]
    assert counts() == totals
    assert api.get("/api/v1/products?q=fine").json()["total"] == 0  # search index too


def test_header_problems_fail_the_run_clearly(api, owner_headers):
    run = run_import(api, owner_headers, "title,sku,colour\nShirt,S-1,red\n")
    assert run["status"] == "failed"
    message = run["result"]["errors"][0]["message"]
    assert "unknown column(s): colour" in message and "missing column(s): price" in message
    assert run["result"]["errors"][0]["line"] == 1


def test_progress_reaches_100_percent(api, owner_headers):
    content = csv_text(
        *({"title": f"Item {i}", "sku": f"IT-{i}", "price": 100 + i} for i in range(30))
    )
    response = upload(api, owner_headers, content)
    assert response.status_code == 202, response.text
    if get_settings().redis_url:  # queued in RQ: the request did not run the import
        queued = api.get(f"{ADMIN}/jobs/{response.json()['run_id']}", headers=owner_headers)
        assert queued.json()["status"] == "queued"
        assert queued.json()["progress"]["percent"] == 0
    run = finished(api, owner_headers, response.json()["run_id"])
    assert run["status"] == "done", run
    assert run["progress"]["percent"] == 100
    assert run["progress"]["done"] == run["progress"]["total"] == 30
    assert run["finished_at"] and run["result"]["created"] == 30
    listed = api.get(f"{ADMIN}/jobs", headers=owner_headers).json()
    assert [r["id"] for r in listed["items"]] == [run["id"]]


def test_export_can_filter_by_status_and_bom_upload_is_accepted(api, owner_headers):
    api.post(f"{ADMIN}/products", json=product_body("Live", variants=1), headers=owner_headers)
    api.post(
        f"{ADMIN}/products",
        json=product_body("Hidden", variants=1, status="draft"),
        headers=owner_headers,
    )
    _, text = export(api, owner_headers, status="draft")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["title"] for r in rows] == ["Hidden"]
    bom = "\ufeff" + csv_text({"title": "Bom", "sku": "BOM-1", "price": 100})
    assert run_import(api, owner_headers, bom.encode("utf-8"))["status"] == "done"


def test_permissions_and_visibility(api, owner_headers):
    make_user("tech@example.com", "tech-pass-123", role="support_technician")
    make_user("cat@example.com", "catalog-pass-1", role="catalog_manager")
    tech = bearer(api, "tech@example.com", "tech-pass-123")
    manager = bearer(api, "cat@example.com", "catalog-pass-1")
    content = csv_text({"title": "X", "sku": "X-1", "price": 100})
    assert upload(api, tech, content).status_code == 403
    assert api.post(f"{ADMIN}/products/export", headers=tech).status_code == 403
    assert upload(api, {}, content).status_code == 401

    owners = upload(api, owner_headers, content).json()["run_id"]
    managers = api.post(f"{ADMIN}/products/export", headers=manager).json()["run_id"]
    wait_for_background()
    # A user sees only the runs they started; the owner sees all of them.
    assert api.get(f"{ADMIN}/jobs/{owners}", headers=manager).status_code == 404
    assert api.get(f"{ADMIN}/jobs/{owners}/download", headers=manager).status_code == 404
    assert api.get(f"{ADMIN}/jobs/{owners}", headers=tech).status_code == 404
    assert api.get(f"{ADMIN}/jobs/{managers}", headers=owner_headers).status_code == 200
    assert api.get(f"{ADMIN}/jobs/{managers}/download", headers=manager).status_code == 200
    assert [r["id"] for r in api.get(f"{ADMIN}/jobs", headers=manager).json()["items"]] == [
        managers
    ]
    assert api.get(f"{ADMIN}/jobs/{'0' * 32}", headers=owner_headers).status_code == 404
    assert api.get(f"{ADMIN}/jobs/not-a-run", headers=owner_headers).json()["error"]["code"] == (
        "job_not_found"
    )
    # A successful import has no error report to download.
    missing = api.get(f"{ADMIN}/jobs/{owners}/download", headers=owner_headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "no_download"


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("data", "name", "ctype", "status", "code"),
    [
        (PNG, "picture.png", "image/png", 415, "unsupported_file"),
        (PNG, "sneaky.csv", "text/csv", 415, "unsupported_file"),  # NUL bytes: binary
        (
            "title,sku,price\nCafé,C-1,100\n".encode("latin-1"),
            "l1.csv",
            "text/csv",
            422,
            "not_utf8",
        ),
        (b"", "empty.csv", "text/csv", 422, "empty_file"),
        (b"title,sku,price\n", "x.xlsx", "application/octet-stream", 415, "unsupported_file"),
    ],
)
def test_uploads_that_are_not_utf8_csv_are_refused(
    api, owner_headers, data, name, ctype, status, code
):
    response = upload(api, owner_headers, data, name=name, ctype=ctype)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["fields"]["file"]
    assert not list(csv_io.imports_dir().glob("upload-*"))  # nothing left behind


def test_upload_needs_a_file_field_and_a_bounded_size(api, owner_headers):
    missing = api.post(f"{ADMIN}/products/import", data={"other": "x"}, headers=owner_headers)
    assert missing.status_code == 422 and missing.json()["error"]["fields"]["file"]
    json_body = api.post(f"{ADMIN}/products/import", json={"file": "x"}, headers=owner_headers)
    assert json_body.status_code == 422
    big = b"title,sku,price\n" + b"x" * (csv_io.MAX_UPLOAD_BYTES + 1)
    too_big = upload(api, owner_headers, big)
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "file_too_large"


def test_more_than_three_options_round_trip(api, owner_headers):
    axes = ("Size", "Colour", "Fit", "Length")
    body = product_body("Many Options", variants=2)
    for i, variant in enumerate(body["variants"]):
        variant["option_values"] = {name: f"{name[0]}{i}" for name in axes}
    created = api.post(f"{ADMIN}/products", json=body, headers=owner_headers)
    assert created.status_code == 201, created.text
    _, text = export(api, owner_headers)
    header = next(csv.reader(io.StringIO(text)))
    assert header[header.index("option3_value") + 1 : header.index("price")] == [
        "option4_name",
        "option4_value",
    ]
    run = run_import(api, owner_headers, text)
    assert run["status"] == "done" and run["result"]["unchanged"] == 1, run


def test_a_running_job_is_answered_without_the_database(api, owner):
    """While an import holds the (SQLite) write lock, polling must not wait for it."""
    from sqlalchemy import event

    from shop_core.db import get_engine, unit_of_work
    from shop_core.jobs import runs

    with unit_of_work() as session:
        run_id = runs.start_run(session, kind="test.kind", params={"a": 1}, created_by_id=owner.id)
    assert runs.mark_running(run_id) is not None
    runs.set_progress(run_id, 3, 12, "Working")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(get_engine(), "before_cursor_execute", listener)
    try:
        with read_session() as session:
            view = runs.get_run(session, run_id, visible_to=owner.id)
    finally:
        event.remove(get_engine(), "before_cursor_execute", listener)
    assert statements == []
    assert (view.status, view.kind, view.params) == ("running", "test.kind", {"a": 1})
    assert (view.progress.done, view.progress.total, view.progress.percent) == (3, 12, 25)
    runs.finish_run(run_id, status="done", message="ok", result={"n": 1})
    with read_session() as session:
        view = runs.get_run(session, run_id)
    assert (view.status, view.result, view.progress.percent) == ("done", {"n": 1}, 100)
    with read_session() as session, pytest.raises(Exception, match="No such job"):
        runs.get_run(session, run_id, visible_to=owner.id + 1)
