"""Storefront display rules that need no browser: money text, listing addresses (filters
live in the query string), pagination, facet ordering and checkout field errors."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shop.state.catalog import Listing, _option_order, page_links
from shop.state.checkout import CheckoutIn, field_errors
from shop.state.format import money, price_range, status_label
from shop_core.catalog.queries import FacetValue


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (0, "EUR", "€0.00"),
        (5, "EUR", "€0.05"),
        (123456, "EUR", "€1,234.56"),
        (-250, "USD", "-$2.50"),
        (1200, "JPY", "¥1,200"),
        (999, "SEK", "SEK 9.99"),
    ],
)
def test_money_is_exact_minor_units(amount, currency, text):
    assert money(amount, currency) == text


def test_price_range_and_status_labels():
    assert price_range(1500, 1500, "EUR") == "€15.00"
    assert price_range(1500, 2500, "EUR") == "from €15.00"
    assert status_label("pending_payment") == "Awaiting payment"
    assert status_label("something_new") == "Something new"


def test_listing_reads_the_address():
    listing = Listing.parse(
        "/category/t-shirts",
        {
            "price": "2500-5000",
            "in_stock": "1",
            "o.Size": "M|L",
            "sort": "-price",
            "page": "3",
            "category": "ignored-on-a-category-page",
        },
    )
    assert (listing.mode, listing.slug, listing.page, listing.sort) == (
        "category",
        "t-shirts",
        3,
        "-price",
    )
    filters = listing.filters()
    assert filters.category == "t-shirts" and filters.collection is None
    assert (filters.min_price, filters.max_price) == (2500, 4999)
    assert filters.in_stock is True
    assert filters.options == {"Size": ["M", "L"]}


def test_listing_ignores_nonsense():
    listing = Listing.parse("/search", {"q": "  tee ", "page": "-4", "sort": "cheapest"})
    assert (listing.mode, listing.q, listing.page, listing.sort) == ("search", "tee", 1, "")
    assert Listing.parse("/search", {"page": "abc"}).page == 1
    assert Listing.parse("/search", {"price": "x-y"}).filters().min_price is None


def test_filter_links_toggle_and_reset_the_page():
    listing = Listing.parse("/search", {"q": "tee", "o.Size": "M", "page": "4"})
    assert listing.url(page=4) == "/search?q=tee&o.Size=M&page=4"
    # Choosing another size adds it; choosing M again removes it; the page starts over.
    assert listing.url(options=listing.toggled_option("Size", "L")) == "/search?q=tee&o.Size=M%7CL"
    assert listing.url(options=listing.toggled_option("Size", "M")) == "/search?q=tee"
    assert listing.url(in_stock=True) == "/search?q=tee&in_stock=1&o.Size=M"
    # Moving to another category keeps the address shape of a category page.
    assert Listing.parse("/category/tops", {}).url(slug="hoodies") == "/category/hoodies"


def test_page_links_show_the_ends_and_the_neighbours():
    listing = Listing.parse("/search", {"q": "tee"})
    labels = [link.label for link in page_links(listing, 5, 9)]
    assert labels == ["1", "…", "4", "5", "6", "…", "9"]
    current = [link for link in page_links(listing, 5, 9) if link.current]
    assert [c.label for c in current] == ["5"] and current[0].href.endswith("page=5")
    assert [link.label for link in page_links(listing, 1, 1)] == ["1"]


def test_sizes_sort_small_to_large():
    values = [FacetValue(value=v, label=v, count=1) for v in ["XL", "M", "S", "38", "L", "Red"]]
    assert [v.value for v in sorted(values, key=_option_order)] == [
        "S",
        "M",
        "L",
        "XL",
        "38",
        "Red",
    ]


def _errors(**address) -> dict[str, str]:
    base = {
        "name": "Gia",
        "line1": "1 Rue",
        "city": "Paris",
        "postal_code": "75001",
        "country": "FR",
    }
    with pytest.raises(ValidationError) as caught:
        CheckoutIn(cart_id="c", email="gia@example.com", shipping_address={**base, **address})
    return field_errors(caught.value)


def test_address_errors_land_on_their_fields():
    assert _errors(postal_code="750")["postal_code"].startswith("Not a valid postal code for FR")
    assert _errors(country="US", postal_code="94107") == {
        "region": "A state/province is required for US"
    }
    assert _errors(name="") == {"name": "Required."}
    assert "country" in _errors(country="XX")


def test_category_page_shows_its_grid_before_the_filter_counts(monkeypatch):
    """`load` yields the product grid first (the websocket delta the browser renders) and
    only then runs the facet queries, so a large catalog's counts never hold the grid."""
    import asyncio

    from shop.state.catalog import CatalogState
    from shop_core.catalog import categories, products
    from shop_core.catalog.categories import CategoryIn
    from shop_core.catalog.schemas import ProductIn
    from shop_core.db import unit_of_work
    from tests.unit.test_ui_permissions import Tab

    with unit_of_work() as session:
        tops = categories.create_category(session, CategoryIn(name="Tops"))
        for i, size in enumerate(["S", "M"]):
            products.create_product(
                session,
                ProductIn(
                    title=f"Tee {i}",
                    status="active",
                    category_ids=[tops.id],
                    variants=[{"sku": f"T-{i}", "option_values": {"Size": size}, "price": 1500}],
                ),
            )
    state = Tab().state(CatalogState)
    monkeypatch.setattr(CatalogState, "_listing", lambda self: Listing.parse("/category/tops", {}))

    async def steps() -> list[tuple]:
        seen = []
        async for _ in CatalogState.event_handlers["load"].fn(state):
            seen.append((state.loading, state.filters_loading, len(state.products), state.options))
        seen.append((state.loading, state.filters_loading, len(state.products), state.options))
        return seen

    seen = asyncio.run(steps())
    assert seen[0][:3] == (True, False, 0)  # the skeleton
    assert seen[1][:3] == (False, True, 2) and seen[1][3] == []  # grid, filters still loading
    final = seen[-1]
    assert final[:3] == (False, False, 2)
    assert [(c.label, c.count) for c in final[3][0].choices] == [("S", 1), ("M", 1)]


def test_storefront_search_shares_the_search_rate_limit(monkeypatch):
    import asyncio

    from shop.state.catalog import CatalogState
    from shop_core.settings import reload_settings
    from tests.unit.test_ui_permissions import Tab

    monkeypatch.setenv("RATE_LIMIT_SEARCH", "2/minute")
    reload_settings()
    try:
        tab = Tab()
        state = tab.state(CatalogState)
        monkeypatch.setattr(
            CatalogState, "_listing", lambda self: Listing.parse("/search", {"q": "tee"})
        )

        async def search_once() -> str:
            async for _ in CatalogState.event_handlers["load"].fn(state):
                pass
            return state.error

        assert asyncio.run(search_once()) == ""
        assert asyncio.run(search_once()) == ""
        assert asyncio.run(search_once()).startswith("Too many attempts")
        assert state.products == [] and state.loading is False
    finally:
        monkeypatch.delenv("RATE_LIMIT_SEARCH")
        reload_settings()
