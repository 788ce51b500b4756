"""Stock moves only through `record_movement`: one ledger row plus the read-model update,
guarded so available stock (on hand − reserved) never goes below zero, however many
transactions race for the last unit.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import delete, exists, update
from sqlmodel import Session, select

from shop_core.catalog.models import Product, Variant
from shop_core.db import utcnow
from shop_core.errors import Conflict, InvalidInput, NotFound
from shop_core.inventory.models import InventoryItem, StockMovement


class MovementKind(StrEnum):
    RECEIVE = "receive"
    ADJUSTMENT = "adjustment"
    RETURN = "return"
    REFUND = "refund"
    SALE = "sale"
    RESERVE = "reserve"
    RELEASE = "release"


# kind → (sign of the on-hand change, sign of the reserved change) for a positive quantity;
# adjustments take the sign of the delta itself.
_EFFECTS: dict[MovementKind, tuple[int, int]] = {
    MovementKind.RECEIVE: (1, 0),
    MovementKind.RETURN: (1, 0),
    MovementKind.REFUND: (1, 0),
    MovementKind.ADJUSTMENT: (1, 0),
    MovementKind.SALE: (-1, -1),
    MovementKind.RESERVE: (0, 1),
    MovementKind.RELEASE: (0, -1),
}


class StockLevel(BaseModel):
    variant_id: int
    sku: str
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int


def ensure_item(session: Session, variant_id: int, low_stock_threshold: int = 5) -> None:
    if session.get(InventoryItem, variant_id) is None:
        session.add(InventoryItem(variant_id=variant_id, low_stock_threshold=low_stock_threshold))
        session.flush()


def record_movement(
    session: Session,
    *,
    variant_id: int,
    kind: MovementKind | str,
    quantity: int,
    reason: str = "",
    reference: str | None = None,
    actor_id: int | None = None,
) -> None:
    """Apply one movement. `quantity` is signed only for adjustments, positive otherwise."""
    kind = MovementKind(kind)
    if quantity == 0 or (kind is not MovementKind.ADJUSTMENT and quantity < 0):
        raise InvalidInput(
            "Quantity must be a positive whole number.",
            fields={
                "delta": "Must not be zero"
                + ("" if kind is MovementKind.ADJUSTMENT else " or negative")
                + "."
            },
        )
    on_hand_sign, reserved_sign = _EFFECTS[kind]
    d_on_hand, d_reserved = on_hand_sign * quantity, reserved_sign * quantity
    ensure_item(session, variant_id)
    item = InventoryItem.__table__.c
    guarded = session.execute(
        update(InventoryItem)
        .where(
            item.variant_id == variant_id,
            (item.on_hand + d_on_hand) - (item.reserved + d_reserved) >= 0,
            item.reserved + d_reserved >= 0,
        )
        .values(
            on_hand=item.on_hand + d_on_hand,
            reserved=item.reserved + d_reserved,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if guarded.rowcount != 1:
        raise Conflict(
            "Not enough stock for that.",
            code="insufficient_stock",
            fields={"quantity": "More than is available."},
        )
    session.add(
        StockMovement(
            variant_id=variant_id,
            kind=kind.value,
            on_hand_delta=d_on_hand,
            reserved_delta=d_reserved,
            reason=reason[:200],
            reference=reference,
            actor_id=actor_id,
        )
    )
    refresh_product_stock_flag(session, variant_ids=[variant_id])


def refresh_product_stock_flag(
    session: Session, *, variant_ids: list[int] | None = None, product_ids: list[int] | None = None
) -> None:
    """Keep `products.in_stock` equal to "some variant has available stock"."""
    ids = set(product_ids or [])
    if variant_ids:
        ids |= set(
            session.exec(select(Variant.product_id).where(Variant.id.in_(variant_ids))).all()
        )
    if not ids:
        return
    has_stock = exists().where(
        Variant.product_id == Product.id,
        InventoryItem.variant_id == Variant.id,
        InventoryItem.on_hand - InventoryItem.reserved > 0,
    )
    session.execute(
        update(Product)
        .where(Product.id.in_(ids))
        .values(in_stock=has_stock)
        .execution_options(synchronize_session=False)
    )


def levels_for(session: Session, variant_ids: list[int]) -> dict[int, int]:
    """Available quantity per variant, in one query (missing → 0)."""
    if not variant_ids:
        return {}
    rows = session.exec(
        select(InventoryItem.variant_id, InventoryItem.on_hand - InventoryItem.reserved).where(
            InventoryItem.variant_id.in_(variant_ids)
        )
    ).all()
    return {vid: int(avail) for vid, avail in rows}


def stock_level(session: Session, *, sku: str) -> StockLevel:
    row = session.exec(
        select(Variant, InventoryItem)
        .join(InventoryItem, InventoryItem.variant_id == Variant.id, isouter=True)
        .where(Variant.sku == sku)
    ).first()
    if row is None:
        raise NotFound("No variant with that SKU.", code="sku_not_found")
    variant, item = row
    on_hand, reserved = (item.on_hand, item.reserved) if item else (0, 0)
    return StockLevel(
        variant_id=variant.id,
        sku=variant.sku,
        on_hand=on_hand,
        reserved=reserved,
        available=on_hand - reserved,
        low_stock_threshold=item.low_stock_threshold if item else 5,
    )


def receive_initial_stock(
    session: Session, quantities: dict[int, int], *, actor_id: int | None = None
) -> None:
    """Open inventory items for new variants, with their first `receive` movement.

    Ledger row and read model are written together here, as in `record_movement`, but in
    bulk: creating a thousand products must not cost a thousand round trips per column.
    """
    items, moves = [], []
    for variant_id, quantity in quantities.items():
        items.append(InventoryItem(variant_id=variant_id, on_hand=quantity))
        if quantity:
            moves.append(
                StockMovement(
                    variant_id=variant_id,
                    kind=MovementKind.RECEIVE.value,
                    on_hand_delta=quantity,
                    reason="initial stock",
                    actor_id=actor_id,
                )
            )
    session.add_all(items + moves)


def was_ordered(session: Session, variant_ids: list[int]) -> bool:
    if not variant_ids:
        return False
    kinds = (MovementKind.RESERVE.value, MovementKind.SALE.value)
    hit = session.exec(
        select(StockMovement.id)
        .where(StockMovement.variant_id.in_(variant_ids), StockMovement.kind.in_(kinds))
        .limit(1)
    ).first()
    return hit is not None


def delete_items(session: Session, variant_ids: list[int]) -> None:
    """Drop the stock records of variants that are deleted (never-ordered products only)."""
    if variant_ids:
        session.execute(delete(StockMovement).where(StockMovement.variant_id.in_(variant_ids)))
        session.execute(delete(InventoryItem).where(InventoryItem.variant_id.in_(variant_ids)))
