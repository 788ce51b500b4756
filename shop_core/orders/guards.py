"""Order snapshots are immutable: refuse any UPDATE of an order line or of the captured
prices and address of an order, whatever code path tries it."""

from __future__ import annotations

from sqlalchemy import event, inspect

from shop_core.orders.models import Order, OrderItem

FROZEN_ORDER_FIELDS = (
    "subtotal",
    "discount_total",
    "shipping_total",
    "tax_total",
    "total",
    "shipping_address",
    "currency",
    "email",
)


class SnapshotChanged(RuntimeError):
    pass


@event.listens_for(OrderItem, "before_update")
def _order_items_are_frozen(mapper, connection, target) -> None:
    state = inspect(target)
    changed = [a.key for a in state.attrs if a.history.has_changes()]
    if changed:
        raise SnapshotChanged(f"order lines are immutable (tried to change {changed})")


@event.listens_for(Order, "before_update")
def _order_snapshot_is_frozen(mapper, connection, target) -> None:
    state = inspect(target)
    changed = [k for k in FROZEN_ORDER_FIELDS if state.attrs[k].history.has_changes()]
    if changed:
        raise SnapshotChanged(f"order snapshot fields are immutable (tried to change {changed})")
