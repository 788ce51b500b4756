"""Order admin handlers: staff who may only view orders cannot ship, refund or cancel;
operations staff can, refunds are confirmed first and refund once per dialog, and the
list filters work. Real orders are placed through the REST API and paid through the
signed webhook, as in the integration tests."""

from __future__ import annotations

import pytest

from shop_admin.pages.order_detail import OrderDetailState
from shop_admin.pages.orders import OrdersState
from shop_core.db import read_session
from shop_core.inventory import service as inventory
from shop_core.orders import service as orders
from tests.integration.commerce_helpers import (
    add,
    checkout,
    completed_event,
    make_product,
    new_cart,
    send_event,
)
from tests.unit.test_ui_admin_catalog import refused, sign_in, succeeded
from tests.unit.test_ui_permissions import Tab


@pytest.fixture
def paid_order(api, owner_headers) -> dict:
    product = make_product(api, owner_headers, stock=5, price=2000)
    cart_id = new_cart(api)
    sku = product["variants"][0]["sku"]
    add(api, cart_id, sku, 2)
    placed = checkout(api, cart_id, email="gia@example.com").json()
    assert send_event(api, completed_event(placed)).status_code == 200
    return {**placed, "sku": sku}


def staff_tab(role: str) -> Tab:
    from tests.unit.test_ui_admin_catalog import _staff

    return sign_in(_staff(role))


def order(number: str):
    with read_session() as session:
        return orders.get_for_staff(session, number)


def opened(tab: Tab, number: str) -> OrderDetailState:
    """The order page as its on_load leaves it (the route's number, then the order)."""
    state = tab.state(OrderDetailState)
    state._fill(order(number))
    return state


def test_viewers_cannot_ship_refund_or_cancel(paid_order):
    number = paid_order["order_number"]
    tab = staff_tab("support_technician")
    state = opened(tab, number)
    # Whatever the browser claims the dialogs hold.
    state.dialog, state.refund_step, state.refund_amount = "refund", "confirm", "10.00"
    state._refund_key = "forged"
    state.carrier, state.tracking, state.cancel_reason = "DHL", "123", "because"

    events = tab.send(OrderDetailState, "refund")
    events += tab.send(OrderDetailState, "ship")
    events += tab.send(OrderDetailState, "cancel")
    events += tab.send(OrderDetailState, "open_dialog", name="refund")

    assert refused(events)
    after = order(number)
    assert after.status == "paid" and after.refunds == [] and after.shipments == []


def test_viewers_may_read_and_leave_internal_notes(paid_order):
    number = paid_order["order_number"]
    tab = staff_tab("support_technician")
    state = opened(tab, number)
    tab.send(OrderDetailState, "set_note", value="Customer called about sizes.")

    assert succeeded(tab.send(OrderDetailState, "add_note"))
    assert state.timeline[0].internal and state.timeline[0].message.startswith("Customer called")
    assert order(number).timeline[-1].kind == "note"
    events = tab.send(OrderDetailState, "download_invoice")
    assert not refused(events)
    download = [e for e in tab.frontend_events if e.name.endswith("_download")]
    assert download and "invoice-" + number in str(download[0].payload)


def test_operations_ships_and_refunds_once_after_confirming(paid_order):
    number, sku = paid_order["order_number"], paid_order["sku"]
    total = paid_order["total"]
    tab = staff_tab("operations")
    state = opened(tab, number)

    tab.send(OrderDetailState, "open_dialog", name="ship")
    tab.send(OrderDetailState, "set_field", field="carrier", value="DHL")
    tab.send(OrderDetailState, "set_field", field="tracking", value="JD0001")
    assert succeeded(tab.send(OrderDetailState, "ship"))
    assert state.status == "shipped" and state.shipments[0].url.startswith("https://www.dhl.com")
    tab.send(OrderDetailState, "open_dialog", name="deliver")
    assert succeeded(tab.send(OrderDetailState, "deliver"))
    assert state.status == "delivered" and state.shipments[0].delivered.endswith("UTC")

    # Too much is refused next to the amount; nothing is refunded.
    tab.send(OrderDetailState, "open_dialog", name="refund")
    assert state.refund_amount == f"{total / 100:.2f}"  # the whole refundable amount
    tab.send(OrderDetailState, "set_field", field="refund_amount", value="9999")
    tab.send(OrderDetailState, "review_refund")
    assert state.refund_step == "edit" and state.errors["amount"].startswith("At most")

    # 10.00 with one unit back in stock: review, then confirm.
    tab.send(OrderDetailState, "set_field", field="refund_amount", value="10")
    tab.send(OrderDetailState, "set_field", field="refund_reason", value="Scratched")
    tab.send(OrderDetailState, "set_restock", sku=sku, value="1")
    assert tab.send(OrderDetailState, "refund") == []  # not before the review
    tab.send(OrderDetailState, "review_refund")
    assert state.refund_step == "confirm" and state.refund_summary == "€10.00"
    key = state._refund_key
    assert succeeded(tab.send(OrderDetailState, "refund"))

    # The same dialog confirmed again (a retry, a replayed event) refunds nothing more.
    state.dialog, state.refund_step, state._refund_key = "refund", "confirm", key
    tab.send(OrderDetailState, "refund")
    after = order(number)
    assert [r.amount for r in after.refunds] == [1000] and after.refunds[0].restocked
    assert after.status == "partially_refunded"
    assert state.refundable == total - 1000
    with read_session() as session:
        assert inventory.stock_level(session, sku=sku).on_hand == 4  # 5 − 2 sold + 1 back


def test_operations_cancels_a_paid_order_with_a_reason(paid_order):
    number = paid_order["order_number"]
    tab = staff_tab("operations")
    state = opened(tab, number)
    tab.send(OrderDetailState, "open_dialog", name="cancel")

    tab.send(OrderDetailState, "cancel")
    assert state.errors == {"cancel_reason": "Say why, for the timeline."}
    tab.send(OrderDetailState, "set_field", field="cancel_reason", value="Out of stock")
    assert succeeded(tab.send(OrderDetailState, "cancel"))

    assert state.status == "cancelled" and state.refundable == 0
    assert order(number).refunds[0].amount == paid_order["total"]


def test_order_list_filters(paid_order):
    tab = staff_tab("support_technician")
    tab.send(OrdersState, "load")
    state = tab.state(OrdersState)
    assert [r.number for r in state.rows] == [paid_order["order_number"]]

    tab.send(OrdersState, "set_status_filter", value="shipped")
    assert state.rows == []
    tab.send(OrdersState, "set_status_filter", value="paid")
    tab.send(
        OrdersState,
        "apply_filters",
        form_data={"q": paid_order["order_number"][-4:], "customer": "GIA@example.com"},
    )
    assert [r.email for r in state.rows] == ["gia@example.com"]

    tab.send(OrdersState, "apply_filters", form_data={"date_from": "2999-01-01"})
    assert state.rows == []
    tab.send(
        OrdersState, "apply_filters", form_data={"date_from": "2020-01-02", "date_to": "2020-01-01"}
    )
    assert state.filter_errors == {"date_to": "The end is before the start."}

    tab.send(OrdersState, "clear_filters")
    tab.send(OrdersState, "set_attention", value=True)
    assert state.rows == [] and state.attention_only
