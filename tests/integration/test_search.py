"""Search with typo tolerance, on whichever database the suite runs against."""

from __future__ import annotations

import pytest

from shop_core.settings import get_settings
from tests.integration.catalog_helpers import product_body

CATALOG = [
    ("Sunny Linen Shirt", "A breezy linen shirt for summer evenings.", ["summer"]),
    ("Cosy Wool Hoodie", "Soft merino wool hoodie, brushed inside.", ["winter"]),
    ("Ceramic Coffee Mug", "Hand glazed stoneware mug, 350 ml.", ["kitchen"]),
    ("Canvas Tote Bag", "Heavy canvas tote with an inside pocket.", ["bags"]),
    ("Organic Cotton Tee", "Everyday tee in organic cotton.", ["basics"]),
    ("Linen Napkin Set", "Four stonewashed linen napkins.", ["kitchen"]),
]


@pytest.fixture
def catalog(api, owner_headers):
    items = [product_body(t, description=d, tags=tags) for t, d, tags in CATALOG]
    response = api.post("/api/v1/admin/products/bulk", json={"items": items}, headers=owner_headers)
    assert response.status_code == 200, response.text


def titles(api, q: str) -> list[str]:
    response = api.get("/api/v1/products", params={"q": q})
    assert response.status_code == 200, response.text
    return [p["title"] for p in response.json()["items"]]


@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("linen shirt", "Sunny Linen Shirt"),
        ("linnen shirt", "Sunny Linen Shirt"),  # one typo
        ("wool hoddie", "Cosy Wool Hoodie"),
        ("cofee mug", "Ceramic Coffee Mug"),
        ("organic coton", "Organic Cotton Tee"),
        ("tote", "Canvas Tote Bag"),
        ("hood", "Cosy Wool Hoodie"),  # prefix while typing
        ("stoneware", "Ceramic Coffee Mug"),  # description
        ("winter", "Cosy Wool Hoodie"),  # tag
    ],
)
def test_search_finds_intended_product_in_top_five(api, query, expected):
    assert expected in titles(api, query)[:5]


@pytest.mark.usefixtures("catalog")
def test_search_by_sku(api):
    sku = api.get("/api/v1/products/canvas-tote-bag").json()["variants"][0]["sku"]
    assert titles(api, sku)[0] == "Canvas Tote Bag"


@pytest.mark.usefixtures("catalog")
def test_search_needs_all_words_and_ranks_title_first(api):
    assert titles(api, "linen")[:2] == ["Sunny Linen Shirt", "Linen Napkin Set"] or titles(
        api, "linen"
    )[:2] == ["Linen Napkin Set", "Sunny Linen Shirt"]
    assert titles(api, "linen mug") == []
    assert titles(api, "zzzzqqq") == []


@pytest.mark.usefixtures("catalog")
def test_search_with_punctuation_and_quotes_never_fails(api):
    for q in ['"linen', "shirt)", "a OR b", "NEAR(x y)", "*", "'; drop table products; --", "ü"]:
        assert api.get("/api/v1/products", params={"q": q}).status_code == 200


@pytest.mark.usefixtures("catalog")
def test_suggestions_as_you_type(api):
    response = api.get("/api/v1/search/suggest", params={"q": "cos"})
    assert response.status_code == 200
    assert response.json()[0] == {"title": "Cosy Wool Hoodie", "slug": "cosy-wool-hoodie"}


@pytest.mark.usefixtures("catalog")
def test_search_follows_edits(api, owner_headers):
    product = api.get("/api/v1/products/canvas-tote-bag").json()
    api.patch(
        f"/api/v1/admin/products/{product['id']}",
        json={"title": "Market Basket", "description": "Woven.", "tags": []},
        headers=owner_headers,
    )
    assert "Market Basket" in titles(api, "basket")
    assert titles(api, "tote") == []


@pytest.fixture
def search_limit_of_three(monkeypatch):
    from shop_core.settings import reload_settings

    monkeypatch.setenv("RATE_LIMIT_SEARCH", "3/minute")
    reload_settings()
    yield
    monkeypatch.delenv("RATE_LIMIT_SEARCH")
    reload_settings()


@pytest.mark.usefixtures("catalog", "search_limit_of_three")
def test_search_is_rate_limited_per_client_ip(api):
    from fastapi.testclient import TestClient

    from shop_core.api.app import create_api

    assert get_settings().rate_limit_search == "3/minute"
    statuses = [api.get("/api/v1/products", params={"q": "linen"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    blocked = api.get("/api/v1/products", params={"q": "linen"})
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited"
    assert blocked.headers["Retry-After"]
    # Suggestions share the budget; browsing without a query does not count.
    assert api.get("/api/v1/search/suggest", params={"q": "lin"}).status_code == 429
    assert api.get("/api/v1/products", params={"category": ""}).status_code == 200
    assert api.get("/api/v1/products").status_code == 200
    # Another client address has its own budget.
    with TestClient(create_api(), client=("203.0.113.9", 40000)) as other:
        assert other.get("/api/v1/products", params={"q": "linen"}).status_code == 200


def test_default_search_limit_is_generous():
    count, _, period = get_settings().rate_limit_search.partition("/")
    assert int(count) >= 300 and period == "minute"
