"""Catalog endpoints of API.md: products with variants, uniqueness, bulk, collections,
filters, facets, permissions, and a detail view whose query count ignores variant count."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from shop_core.catalog.models import Product
from shop_core.db import get_engine, unit_of_work
from shop_core.inventory import service as inventory
from tests.conftest import bearer, make_user
from tests.integration.catalog_helpers import product_body

ADMIN = "/api/v1/admin/products"


def create(api, headers, body=None, **kw):
    response = api.post(ADMIN, json=body or product_body(**kw), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_product_with_variants_and_read_it_back(api, owner_headers):
    created = create(api, owner_headers, variants=3)
    assert created["slug"] == "sunny-linen-shirt"
    assert [v["price"] for v in created["variants"]] == [2500, 3000, 3500]
    assert created["price_min"] == 2500 and created["price_max"] == 3500
    assert created["variants"][0]["cost_price"] == 1000  # admin view shows cost
    public = api.get("/api/v1/products/sunny-linen-shirt").json()
    assert [v["available"] for v in public["variants"]] == [5, 6, 7]
    assert [v["option_values"] for v in public["variants"]] == [
        {"Size": "S"},
        {"Size": "M"},
        {"Size": "L"},
    ]
    assert "cost_price" not in public["variants"][0]
    assert public["options"] == [{"name": "Size", "values": ["S", "M", "L"]}]
    assert public["in_stock"] is True
    assert set(public) >= {"variants", "images", "categories", "rating"}


def test_second_product_with_same_title_gets_next_slug(api, owner_headers):
    create(api, owner_headers)
    assert create(api, owner_headers)["slug"] == "sunny-linen-shirt-2"


def test_slug_taken(api, owner_headers):
    create(api, owner_headers, slug="linen")
    response = api.post(ADMIN, json=product_body(slug="linen"), headers=owner_headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slug_taken"


def test_sku_taken_case_insensitive_and_nothing_created(api, owner_headers):
    first = create(api, owner_headers, variants=1)
    sku = first["variants"][0]["sku"].lower()
    body = product_body("Other", variants=1)
    body["variants"][0]["sku"] = sku
    response = api.post(ADMIN, json=body, headers=owner_headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "sku_taken"
    assert api.get("/api/v1/products?q=other").json()["total"] == 0


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b.update(variants=[]),
        lambda b: b["variants"][0].update(price=-1),
        lambda b: b["variants"][0].update(price=12.5),
        lambda b: b["variants"][1].update(sku=b["variants"][0]["sku"]),
        lambda b: b["variants"][1].update(option_values=b["variants"][0]["option_values"]),
        lambda b: b["variants"][0].update(compare_at_price=100),
        lambda b: b.update(slug="Not A Slug"),
        lambda b: b.update(status="published"),
        lambda b: b.update(title=""),
        lambda b: b.update(category_ids=[999999]),
    ],
)
def test_invalid_products_are_refused_with_fields(api, owner_headers, mutate):
    body = product_body()
    mutate(body)
    response = api.post(ADMIN, json=body, headers=owner_headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"]
    assert api.get(ADMIN, headers=owner_headers).json()["total"] == 0


def test_patch_replaces_variants_and_updates_prices(api, owner_headers):
    created = create(api, owner_headers, variants=2)
    keep = created["variants"][0]
    response = api.patch(
        f"{ADMIN}/{created['id']}",
        json={
            "title": "Sunny Linen Shirt II",
            "variants": [
                {
                    "id": keep["id"],
                    "sku": keep["sku"],
                    "option_values": {"Size": "S"},
                    "price": 1900,
                },
                {"sku": "NEW-XL", "option_values": {"Size": "XL"}, "price": 4100, "stock": 2},
            ],
        },
        headers=owner_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [v["sku"] for v in body["variants"]] == [keep["sku"], "NEW-XL"]
    assert (body["price_min"], body["price_max"]) == (1900, 4100)
    assert body["slug"] == created["slug"]
    assert [v["available"] for v in body["variants"]] == [5, 2]


def test_patch_unknown_product(api, owner_headers):
    assert (
        api.patch(f"{ADMIN}/99999", json={"title": "x"}, headers=owner_headers).status_code == 404
    )


def test_draft_is_hidden_from_storefront(api, owner_headers):
    created = create(api, owner_headers, status="draft")
    assert api.get(f"/api/v1/products/{created['slug']}").status_code == 404
    assert api.get("/api/v1/products").json()["total"] == 0
    assert api.get(f"{ADMIN}/{created['id']}", headers=owner_headers).status_code == 200


def test_delete_without_orders_deletes(api, owner_headers):
    created = create(api, owner_headers)
    response = api.delete(f"{ADMIN}/{created['id']}", headers=owner_headers)
    assert response.status_code == 204 and response.headers["X-Outcome"] == "deleted"
    assert api.get(f"{ADMIN}/{created['id']}", headers=owner_headers).status_code == 404


def test_delete_of_ordered_product_archives(api, owner_headers):
    created = create(api, owner_headers)
    with unit_of_work() as session:
        inventory.record_movement(
            session,
            variant_id=created["variants"][0]["id"],
            kind="reserve",
            quantity=1,
            reference="ORD-1",
        )
    response = api.delete(f"{ADMIN}/{created['id']}", headers=owner_headers)
    assert response.status_code == 204 and response.headers["X-Outcome"] == "archived"
    assert api.get(f"{ADMIN}/{created['id']}", headers=owner_headers).json()["status"] == "archived"
    assert api.get(f"/api/v1/products/{created['slug']}").status_code == 404


def test_bulk_creates_all(api, owner_headers):
    items = [product_body(f"Bulk Tee {i}") for i in range(5)]
    response = api.post(f"{ADMIN}/bulk", json={"items": items}, headers=owner_headers)
    assert response.status_code == 200, response.text
    assert [r["action"] for r in response.json()["items"]] == ["created"] * 5
    assert api.get("/api/v1/products?per_page=100").json()["total"] == 5


def test_bulk_is_atomic_on_conflict(api, owner_headers):
    existing = create(api, owner_headers, variants=1)
    items = [product_body(f"Atomic {i}") for i in range(3)]
    items[2]["variants"][0]["sku"] = existing["variants"][0]["sku"]
    items.append({"id": existing["id"], "title": "Renamed"})
    response = api.post(f"{ADMIN}/bulk", json={"items": items}, headers=owner_headers)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "bulk_failed"
    assert [(r["index"], r["code"]) for r in error["rows"]] == [(2, "sku_taken")]
    listed = api.get(ADMIN, headers=owner_headers).json()
    assert listed["total"] == 1 and listed["items"][0]["title"] == existing["title"]


def test_bulk_reports_every_invalid_row(api, owner_headers):
    items = [product_body("Fine"), {"title": ""}, "nonsense", product_body("Fine too")]
    response = api.post(f"{ADMIN}/bulk", json={"items": items}, headers=owner_headers)
    assert response.status_code == 422
    assert [r["index"] for r in response.json()["error"]["rows"]] == [1, 2]
    assert api.get(ADMIN, headers=owner_headers).json()["total"] == 0


def test_bulk_rejects_duplicate_skus_inside_the_batch(api, owner_headers):
    a, b = product_body("A"), product_body("B")
    b["variants"][0]["sku"] = a["variants"][0]["sku"]
    response = api.post(f"{ADMIN}/bulk", json={"items": [a, b]}, headers=owner_headers)
    assert response.status_code == 409
    assert api.get(ADMIN, headers=owner_headers).json()["total"] == 0


def test_rule_collection_follows_product_changes(api, owner_headers):
    col = api.post(
        "/api/v1/admin/collections",
        json={
            "title": "Cosy",
            "kind": "rule",
            "rules": [{"field": "tag", "op": "eq", "value": "cosy"}],
        },
        headers=owner_headers,
    )
    assert col.status_code == 201, col.text
    product = create(api, owner_headers)

    def members():
        return [p["slug"] for p in api.get("/api/v1/products?collection=cosy").json()["items"]]

    assert members() == []
    api.patch(f"{ADMIN}/{product['id']}", json={"tags": ["cosy", "winter"]}, headers=owner_headers)
    assert members() == [product["slug"]]
    api.patch(f"{ADMIN}/{product['id']}", json={"tags": ["summer"]}, headers=owner_headers)
    assert members() == []


def test_price_rule_and_preview(api, owner_headers):
    cheap = create(api, owner_headers, title="Cheap Sock", variants=1)
    create(api, owner_headers, title="Fancy Coat", variants=1, tags=[])
    api.patch(
        f"{ADMIN}/{cheap['id']}",
        json={"variants": [{"sku": cheap["variants"][0]["sku"], "price": 900}]},
        headers=owner_headers,
    )
    rules = [{"field": "price", "op": "lte", "value": 1000}]
    preview = api.post(
        "/api/v1/admin/collections/preview", json={"rules": rules}, headers=owner_headers
    ).json()
    assert preview["total"] == 1 and preview["items"][0]["title"] == "Cheap Sock"
    bad = api.post(
        "/api/v1/admin/collections/preview",
        json={"rules": [{"field": "price", "op": "contains", "value": 1}]},
        headers=owner_headers,
    )
    assert bad.status_code == 422


def test_category_tree_filters_include_descendants(api, owner_headers):
    def cat(name, parent=None):
        r = api.post(
            "/api/v1/admin/categories",
            json={"name": name, "parent_id": parent},
            headers=owner_headers,
        )
        assert r.status_code == 201, r.text
        return r.json()["id"]

    apparel = cat("Apparel")
    tops = cat("Tops", apparel)
    tees = cat("Tees", tops)
    home = cat("Home")
    create(api, owner_headers, title="Deep Tee", category_ids=[tees])
    create(api, owner_headers, title="Mug", category_ids=[home])
    tree = api.get("/api/v1/categories").json()
    assert [c["name"] for c in tree] == ["Apparel", "Home"]
    assert tree[0]["children"][0]["children"][0]["slug"] == "tees"
    assert [p["title"] for p in api.get("/api/v1/products?category=apparel").json()["items"]] == [
        "Deep Tee"
    ]
    # moving Tees under Home moves its products' membership too
    moved = api.patch(
        f"/api/v1/admin/categories/{tees}",
        json={"name": "Tees", "parent_id": home},
        headers=owner_headers,
    )
    assert moved.status_code == 200
    assert api.get("/api/v1/products?category=apparel").json()["total"] == 0
    assert api.get("/api/v1/products?category=home").json()["total"] == 2
    cycle = api.patch(
        f"/api/v1/admin/categories/{home}",
        json={"name": "Home", "parent_id": tees},
        headers=owner_headers,
    )
    assert cycle.status_code == 422
    assert api.get("/api/v1/products?category=nope").status_code == 404


def test_filters_sorting_and_facets(api, owner_headers):
    create(api, owner_headers, title="Alpha Tee", variants=1)
    b = create(api, owner_headers, title="Beta Tee", variants=3)
    create(api, owner_headers, title="Gamma Tee", variants=2)
    with unit_of_work() as session:  # sell out Beta
        for v in b["variants"]:
            inventory.record_movement(
                session, variant_id=v["id"], kind="adjustment", quantity=-v["available"]
            )
    titles = lambda url: [p["title"] for p in api.get(url).json()["items"]]  # noqa: E731
    assert titles("/api/v1/products?sort=title") == ["Alpha Tee", "Beta Tee", "Gamma Tee"]
    assert titles("/api/v1/products?in_stock=true&sort=title") == ["Alpha Tee", "Gamma Tee"]
    assert titles("/api/v1/products?option=Size:L&sort=title") == ["Beta Tee"]
    assert titles("/api/v1/products?min_price=3000&sort=-price") == ["Beta Tee", "Gamma Tee"]
    page = api.get("/api/v1/products?facets=true").json()
    assert page["facets"]["in_stock"] == 2
    sizes = {f["value"]: f["count"] for f in page["facets"]["options"]["Size"]}
    assert sizes == {"S": 2, "M": 2, "L": 1}
    summary = page["items"][0]
    assert set(summary) >= {
        "id",
        "slug",
        "title",
        "price_min",
        "price_max",
        "currency",
        "image",
        "in_stock",
    }


@pytest.mark.parametrize(
    "query",
    [
        "sort=cheapest",
        "per_page=500",
        "min_price=-1",
        "min_price=500&max_price=100",
        "option=Size",
        "page=0",
    ],
)
def test_bad_listing_queries_are_4xx(api, query):
    response = api.get(f"/api/v1/products?{query}")
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"]["code"]


def test_catalog_manager_may_edit_support_technician_may_not(api, owner_headers):
    make_user("cat@example.com", "catalog-pass-1", role="catalog_manager")
    make_user("tech@example.com", "tech-pass-123", role="support_technician")
    manager = bearer(api, "cat@example.com", "catalog-pass-1")
    tech = bearer(api, "tech@example.com", "tech-pass-123")
    created = create(api, manager)
    assert (
        api.patch(f"{ADMIN}/{created['id']}", json={"title": "New"}, headers=manager).status_code
        == 200
    )
    assert api.post(ADMIN, json=product_body("Nope"), headers=tech).status_code == 403
    assert (
        api.patch(f"{ADMIN}/{created['id']}", json={"title": "Nope"}, headers=tech).status_code
        == 403
    )
    assert api.delete(f"{ADMIN}/{created['id']}", headers=tech).status_code == 403
    assert (
        api.post(f"{ADMIN}/bulk", json={"items": [product_body()]}, headers=tech).status_code == 403
    )
    assert api.post("/api/v1/admin/categories", json={"name": "X"}, headers=tech).status_code == 403
    assert api.get(ADMIN, headers=tech).status_code == 200  # may look, not touch
    customer = make_user("c@example.com", "customer-pass-1")
    assert api.get(ADMIN, headers=bearer(api, customer.email, "customer-pass-1")).status_code == 403


def _count_queries(fn) -> int:
    statements: list[str] = []

    def on_execute(conn, cursor, statement, params, context, executemany):
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])


def test_product_detail_query_count_is_constant(api, owner_headers):
    small = create(api, owner_headers, title="Small", variants=1)
    big = create(api, owner_headers, title="Big", variants=40, tags=["a", "b", "c"])
    few = _count_queries(lambda: api.get(f"/api/v1/products/{small['slug']}"))
    many = _count_queries(lambda: api.get(f"/api/v1/products/{big['slug']}"))
    assert few == many, (few, many)
    assert many <= 8


def test_listing_query_count_is_constant_per_page(api, owner_headers):
    for i in range(3):
        create(api, owner_headers, title=f"One {i}")
    three = _count_queries(lambda: api.get("/api/v1/products?per_page=3"))
    for i in range(12):
        create(api, owner_headers, title=f"Two {i}")
    fifteen = _count_queries(lambda: api.get("/api/v1/products?per_page=15"))
    assert three == fifteen


def test_ordered_variant_cannot_be_removed(api, owner_headers):
    created = create(api, owner_headers, variants=2)
    keep, ordered = created["variants"]
    with unit_of_work() as session:
        inventory.record_movement(
            session, variant_id=ordered["id"], kind="reserve", quantity=1, reference="O-1"
        )
    response = api.patch(
        f"{ADMIN}/{created['id']}",
        json={
            "variants": [
                {"id": keep["id"], "sku": keep["sku"], "option_values": {"Size": "S"}, "price": 100}
            ]
        },
        headers=owner_headers,
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "variant_has_orders"
    assert len(api.get(f"{ADMIN}/{created['id']}", headers=owner_headers).json()["variants"]) == 2


def test_reads_are_not_blocked_by_an_open_write():
    """On SQLite a long write (an import) must not stall page reads."""
    import threading

    from shop_core.db import read_session

    started, release = threading.Event(), threading.Event()

    def writer():
        with unit_of_work() as session:
            session.exec(select(Product)).all()
            session.add(Product(title="Held", slug="held-open", status="draft"))
            session.flush()
            started.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    started.wait(10)
    try:
        with read_session() as session:
            assert session.exec(select(Product).where(Product.slug == "held-open")).first() is None
    finally:
        release.set()
        thread.join()


@pytest.mark.parametrize("sort", ["price", "-price", "newest", "title"])
def test_narrow_listing_sorts_the_same_with_or_without_the_sort_index(
    api, owner_headers, monkeypatch, sort
):
    """Narrow filters sort their matches instead of walking the sort column's index; the
    pages must be the same either way, ties included."""
    from shop_core.catalog import queries

    category = api.post(
        "/api/v1/admin/categories", json={"name": "Jackets"}, headers=owner_headers
    ).json()
    for i, price in enumerate([9000, 2500, 9000, 4000, 2500, 7000, 9000]):
        body = product_body(f"Jacket {chr(70 - i)}{i}", variants=1, category_ids=[category["id"]])
        body["variants"][0]["price"] = price
        create(api, owner_headers, body)
    create(api, owner_headers, title="Cheap Socks", variants=1)  # outside the category

    def pages(limit: int) -> list[list[str]]:
        monkeypatch.setattr(queries, "SORT_MATCHES_BELOW", limit)
        return [
            [
                p["slug"]
                for p in api.get(
                    "/api/v1/products",
                    params={"category": category["slug"], "sort": sort, "per_page": 3, "page": n},
                ).json()["items"]
            ]
            for n in (1, 2, 3)
        ]

    sorted_matches, index_walk = pages(5000), pages(0)
    assert sorted_matches == index_walk
    assert sum(len(p) for p in sorted_matches) == 7
    assert "cheap-socks" not in {s for p in sorted_matches for s in p}
