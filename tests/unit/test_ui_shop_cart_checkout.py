"""Storefront handlers as the Reflex backend runs them (`Tab`: the browser's payload and
cookies, a real database): variant picking, stock-aware cart changes, the guest cart
cookie, merging at sign-in, checkout field errors, one order per checkout however often
"Pay" is pressed, and order tracking by number + email."""

from __future__ import annotations

from typing import Any

import pytest

from shop.pages.login import LoginState
from shop.pages.orders import TrackState
from shop.pages.product import ProductState, _load
from shop.state.cart import CartState
from shop.state.checkout import CheckoutState
from shop_core.cart import service as carts
from shop_core.catalog import products
from shop_core.catalog.schemas import ProductIn
from shop_core.db import read_session, unit_of_work
from shop_core.orders.models import Order
from tests.conftest import CUSTOMER_PASSWORD
from tests.unit.test_ui_permissions import Tab

ADDRESS_FORM = {
    "email": "gia@example.com",
    "name": "Gia Guest",
    "line1": "12 Rue des Fleurs",
    "line2": "",
    "city": "Paris",
    "region": "",
    "postal_code": "75001",
}


@pytest.fixture
def shirt() -> str:
    """A product with two sizes: S (€45, 12 in stock) and M (€52 instead of €65, 3 left)."""
    body = ProductIn(
        title="Breezy Linen Shirt",
        status="active",
        variants=[
            {"sku": "BLS-S", "option_values": {"Size": "S"}, "price": 4500, "stock": 12},
            {
                "sku": "BLS-M",
                "option_values": {"Size": "M"},
                "price": 5200,
                "compare_at_price": 6500,
                "stock": 3,
            },
        ],
    )
    with unit_of_work() as session:
        pid = products.create_product(session, body)
    with read_session() as session:
        return products_slug(session, pid)


def products_slug(session, product_id: int) -> str:
    from shop_core.catalog.queries import product_detail

    return product_detail(session, product_id=product_id).slug


def open_product(tab: Tab, slug: str) -> ProductState:
    """The product page as its on_load leaves it."""
    with read_session() as session:
        product, trail = _load(session, slug)
    state = tab.state(ProductState)
    state._fill(product, trail)
    return state


def events(tab: Tab) -> list[dict[str, Any]]:
    return [dict(e.payload) for e in tab.frontend_events]


def orders_for(email: str) -> list[Order]:
    from sqlmodel import select

    with read_session() as session:
        return list(session.exec(select(Order).where(Order.email == email)).all())


def guest_with_shirt(slug: str, size: str = "M", quantity: int = 1) -> Tab:
    tab = Tab()
    state = open_product(tab, slug)
    tab.send(ProductState, "pick", name="Size", value=size)
    state.quantity = quantity
    tab.send(ProductState, "add_to_cart")
    return tab


def test_picking_a_size_shows_its_price_stock_and_sku(shirt):
    tab = Tab()
    state = open_product(tab, shirt)
    assert state.selected == {"Size": "S"}
    assert (state.current.price, state.current.available) == ("€45.00", 12)

    tab.send(ProductState, "pick", name="Size", value="M")

    current = tab.state(ProductState).current
    assert (current.sku, current.price, current.compare_at, current.on_sale) == (
        "BLS-M",
        "€52.00",
        "€65.00",
        True,
    )
    assert tab.state(ProductState).stock_label == "Only 3 left — order soon"


def test_adding_more_than_in_stock_is_refused_next_to_the_quantity(shirt):
    tab = guest_with_shirt(shirt, "M", quantity=4)

    state = tab.state(ProductState)
    assert state.quantity_error == "Only 3 available."
    assert any("error" in str(e) for e in events(tab))
    assert tab.state(CartState).item_count == 0


def test_guest_cart_lives_in_the_cookie_and_the_stepper_respects_stock(shirt):
    tab = guest_with_shirt(shirt, "M", quantity=2)
    cart = tab.state(CartState)
    assert cart.item_count == 2 and cart.cart_token and cart.subtotal == "€104.00"
    line_id = cart.lines[0].id

    tab.send(CartState, "set_quantity", line_id=line_id, quantity=4)  # only 3 exist
    assert tab.state(CartState).line_errors == {str(line_id): "Only 3 available."}
    assert tab.state(CartState).lines[0].quantity == 2

    tab.send(CartState, "set_quantity", line_id=line_id, quantity=3)
    assert tab.state(CartState).item_count == 3 and tab.state(CartState).line_errors == {}
    tab.send(CartState, "remove", line_id=line_id)
    assert tab.state(CartState).lines == []


def test_someone_elses_cart_id_in_the_cookie_opens_nothing(shirt, customer):
    with unit_of_work() as session:
        theirs = carts.create_cart(session, user_id=customer.id).id
        carts.add_item(session, theirs, sku="BLS-S", quantity=1, user_id=customer.id)
    tab = Tab()
    tab.state(CartState).cart_token = theirs  # a forged or left-over cookie

    tab.send(CartState, "refresh")

    cart = tab.state(CartState)
    assert cart.lines == [] and cart.cart_token == ""
    with read_session() as session:
        assert (
            carts.view(session, carts.load_cart(session, theirs, user_id=customer.id)).item_count
            == 1
        )


def test_signing_in_merges_the_guest_cart(shirt, customer):
    tab = guest_with_shirt(shirt, "S", quantity=2)
    guest_cart = tab.state(CartState).cart_token

    tab.send(
        LoginState,
        "submit",
        form_data={"email": customer.email, "password": CUSTOMER_PASSWORD},
    )

    with read_session() as session:
        mine = carts.open_cart_of(session, customer.id)
        assert mine is not None
        assert carts.view(session, mine).item_count == 2
    assert tab.state(CartState).item_count == 2
    assert tab.state(CartState).cart_token == mine.id  # the guest cart became the account's
    assert mine.id == guest_cart


def test_checkout_shows_field_errors_and_places_nothing(shirt):
    tab = guest_with_shirt(shirt)
    tab.send(CheckoutState, "load")
    form = {**ADDRESS_FORM, "name": "", "postal_code": "750", "email": "not-an-email"}

    tab.send(CheckoutState, "place", form_data=form)

    state = tab.state(CheckoutState)
    assert set(state.errors) == {"name", "postal_code", "email"}
    assert state.placing is False
    assert orders_for("gia@example.com") == []


def test_totals_come_from_the_server_quote(shirt):
    tab = guest_with_shirt(shirt, "M", quantity=1)  # €52.00: free standard shipping
    tab.send(CheckoutState, "load")
    state = tab.state(CheckoutState)
    assert (state.subtotal, state.shipping, state.tax, state.total) == (
        "€52.00",
        "Free",
        "€4.16",
        "€56.16",
    )
    tab.send(CheckoutState, "set_shipping_method", value="express")
    assert (tab.state(CheckoutState).shipping, tab.state(CheckoutState).total) == (
        "€12.95",
        "€69.11",
    )


def test_pay_twice_places_one_order_and_goes_to_the_same_payment_page(shirt):
    tab = guest_with_shirt(shirt, "M", quantity=2)
    tab.send(CheckoutState, "load")
    tab.state(CheckoutState).country = "FR"

    tab.send(CheckoutState, "place", form_data=ADDRESS_FORM)
    tab.send(CheckoutState, "place", form_data=ADDRESS_FORM)

    placed = orders_for("gia@example.com")
    assert len(placed) == 1 and placed[0].status == "pending_payment"
    scripts = [e["javascript_code"] for e in events(tab) if "javascript_code" in e]
    assert len(scripts) == 2 and scripts[0] == scripts[1]
    assert placed[0].payment_session_id in scripts[0]
    assert tab.state(CartState).item_count == 0  # that cart is checked out
    # The thank-you page may show this browser its order without asking for the email.
    assert tab.state(CheckoutState)._placed_orders == {placed[0].number: "gia@example.com"}


def test_track_needs_the_right_email(shirt):
    tab = guest_with_shirt(shirt)
    tab.send(CheckoutState, "load")
    tab.state(CheckoutState).country = "FR"
    tab.send(CheckoutState, "place", form_data=ADDRESS_FORM)
    number = orders_for("gia@example.com")[0].number

    visitor = Tab()
    visitor.send(TrackState, "submit", form_data={"number": number, "email": "x@example.com"})
    assert visitor.state(TrackState).error.startswith("We couldn't find")

    visitor.send(
        TrackState, "submit", form_data={"number": number.lower(), "email": "GIA@example.com"}
    )
    assert visitor.state(TrackState).error == ""
    redirects = [e.get("path") for e in events(visitor) if "path" in e]
    assert redirects == [f"/orders/{number}?email=GIA%40example.com"]


def test_tracking_is_rate_limited_per_address():
    visitor = Tab()
    for _ in range(20):
        visitor.send(TrackState, "submit", form_data={"number": "JNNOPE2345", "email": "a@b.co"})
    assert visitor.state(TrackState).error.startswith("We couldn't find")

    visitor.send(TrackState, "submit", form_data={"number": "JNNOPE2345", "email": "a@b.co"})
    assert visitor.state(TrackState).error.startswith("Too many attempts")
