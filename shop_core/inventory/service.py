"""Stock moves only through `record_movement`: one ledger row plus the read-model update,
guarded so available stock (on hand − reserved) never goes below zero, however many
transactions race for the last unit.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Integer, bindparam, delete, exists, func, insert, update
from sqlmodel import Session, select

from shop_core.catalog.models import Product, Variant
from shop_core.db import UTCDateTime, utcnow
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
    record_movements(
        session,
        [(variant_id, kind, quantity)],
        reason=reason,
        reference=reference,
        actor_id=actor_id,
    )


def record_movements(
    session: Session,
    moves: list[tuple[int, MovementKind | str, int]],
    *,
    reason: str = "",
    reference: str | None = None,
    actor_id: int | None = None,
) -> None:
    """Apply several movements (variant id, kind, quantity) sharing a reason and reference.

    Each variant's read model moves by one guarded `UPDATE … RETURNING`, in the order
    given (callers pass variant order, so concurrent transactions lock rows in the same
    order); the ledger rows then go in with one INSERT. Any movement that would take
    available stock below zero raises `insufficient_stock` and the caller's transaction
    rolls back with nothing applied.
    """
    if not moves:
        return
    session.flush()  # the statements below are Core: pending ORM changes go first
    now = utcnow()
    rows, crossed = [], []
    for variant_id, kind, quantity in moves:
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
        on_hand, reserved = _move_read_model(session, variant_id, d_on_hand, d_reserved, now)
        rows.append(
            {
                "variant_id": variant_id,
                "kind": kind.value,
                "on_hand_delta": d_on_hand,
                "reserved_delta": d_reserved,
                "reason": reason[:200],
                "reference": reference,
                "actor_id": actor_id,
                "created_at": now,
            }
        )
        available_after = on_hand - reserved
        available_before = available_after - (d_on_hand - d_reserved)
        if (available_before > 0) != (available_after > 0):  # only a crossing of zero matters
            crossed.append(variant_id)
    session.connection().execute(_INSERT_MOVEMENTS, rows)
    if crossed:
        refresh_product_stock_flag(session, variant_ids=crossed)


def _guarded_move_statement():
    """Built once: constructing a statement costs more than running it on a hot path."""
    item = InventoryItem.__table__.c
    d_on_hand, d_reserved = (
        bindparam("d_on_hand", type_=Integer),
        bindparam("d_reserved", type_=Integer),
    )
    return (
        update(InventoryItem.__table__)
        .where(
            item.variant_id == bindparam("b_variant_id", type_=Integer),
            (item.on_hand + d_on_hand) - (item.reserved + d_reserved) >= 0,
            item.reserved + d_reserved >= 0,
        )
        .values(
            on_hand=item.on_hand + d_on_hand,
            reserved=item.reserved + d_reserved,
            updated_at=bindparam("now", type_=UTCDateTime()),
        )
        .returning(item.on_hand, item.reserved)
    )


_GUARDED_MOVE = _guarded_move_statement()
_INSERT_MOVEMENTS = insert(StockMovement.__table__)


def _move_read_model(
    session: Session, variant_id: int, d_on_hand: int, d_reserved: int, now: datetime
) -> tuple[int, int]:
    """The guarded read-model update; returns (on_hand, reserved) after it."""
    params = {
        "b_variant_id": variant_id,
        "d_on_hand": d_on_hand,
        "d_reserved": d_reserved,
        "now": now,
    }
    conn = session.connection()
    after = conn.execute(_GUARDED_MOVE, params).first()
    if after is None and session.get(InventoryItem, variant_id) is None:
        ensure_item(session, variant_id)  # first movement of a variant without a stock record
        after = conn.execute(_GUARDED_MOVE, params).first()
    if after is None:
        raise Conflict(
            "Not enough stock for that.",
            code="insufficient_stock",
            fields={"quantity": "More than is available."},
        )
    return after[0], after[1]


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
    if not quantities:
        return
    now = utcnow()
    session.execute(
        insert(InventoryItem),
        [
            {
                "variant_id": vid,
                "on_hand": qty,
                "reserved": 0,
                "low_stock_threshold": 5,
                "updated_at": now,
            }
            for vid, qty in quantities.items()
        ],
    )
    moves = [
        {
            "variant_id": vid,
            "kind": MovementKind.RECEIVE.value,
            "on_hand_delta": qty,
            "reserved_delta": 0,
            "reason": "initial stock",
            "reference": None,
            "actor_id": actor_id,
            "created_at": now,
        }
        for vid, qty in quantities.items()
        if qty
    ]
    if moves:
        session.execute(insert(StockMovement), moves)


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


class MovementOut(BaseModel):
    kind: str
    on_hand_delta: int
    reserved_delta: int
    reason: str
    reference: str | None
    created_at: datetime


class StockDetail(StockLevel):
    movements: list[MovementOut]


class LowStockRow(BaseModel):
    sku: str
    product_title: str
    variant_id: int
    available: int
    low_stock_threshold: int


class Drift(BaseModel):
    variant_id: int
    sku: str
    on_hand: int
    ledger_on_hand: int
    reserved: int
    ledger_reserved: int


def stock_detail(session: Session, *, sku: str, limit: int = 50) -> StockDetail:
    level = stock_level(session, sku=sku)
    rows = session.exec(
        select(StockMovement)
        .where(StockMovement.variant_id == level.variant_id)
        .order_by(StockMovement.created_at.desc(), StockMovement.id.desc())
        .limit(limit)
    ).all()
    return StockDetail(
        **level.model_dump(),
        movements=[MovementOut.model_validate(r, from_attributes=True) for r in rows],
    )


def move_by_sku(
    session: Session, *, sku: str, delta: int, reason: str, note: str = "", actor_id: int | None
) -> StockLevel:
    """Staff stock changes: receive, adjustment or return, by SKU."""
    allowed = {MovementKind.RECEIVE, MovementKind.ADJUSTMENT, MovementKind.RETURN}
    try:
        kind = MovementKind(reason)
    except ValueError:
        kind = None
    if kind not in allowed:
        raise InvalidInput(
            "Unknown reason.", fields={"reason": "One of receive, adjustment, return."}
        )
    level = stock_level(session, sku=sku)
    record_movement(
        session,
        variant_id=level.variant_id,
        kind=kind,
        quantity=delta,
        reason=note or kind.value,
        actor_id=actor_id,
    )
    session.flush()
    return stock_level(session, sku=sku)


def low_stock(session: Session, *, limit: int = 200) -> list[LowStockRow]:
    rows = session.exec(
        select(Variant.sku, Product.title, InventoryItem)
        .join(Variant, Variant.id == InventoryItem.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(
            Product.status == "active",
            InventoryItem.on_hand - InventoryItem.reserved <= InventoryItem.low_stock_threshold,
        )
        .order_by(InventoryItem.on_hand - InventoryItem.reserved, Variant.sku)
        .limit(limit)
    ).all()
    return [
        LowStockRow(
            sku=sku,
            product_title=title,
            variant_id=item.variant_id,
            available=item.on_hand - item.reserved,
            low_stock_threshold=item.low_stock_threshold,
        )
        for sku, title, item in rows
    ]


def set_threshold(session: Session, *, sku: str, threshold: int) -> StockLevel:
    if not 0 <= threshold <= 1_000_000:
        raise InvalidInput(
            "Threshold must be 0 or more.", fields={"low_stock_threshold": "0 or more."}
        )
    level = stock_level(session, sku=sku)
    ensure_item(session, level.variant_id)
    session.execute(
        update(InventoryItem)
        .where(InventoryItem.variant_id == level.variant_id)
        .values(low_stock_threshold=threshold)
        .execution_options(synchronize_session=False)
    )
    return stock_level(session, sku=sku)


def reconcile(session: Session) -> list[Drift]:
    """Recompute every item from the ledger; report any difference from the read model."""
    sums = (
        select(
            StockMovement.variant_id,
            func.coalesce(func.sum(StockMovement.on_hand_delta), 0).label("on_hand"),
            func.coalesce(func.sum(StockMovement.reserved_delta), 0).label("reserved"),
        )
        .group_by(StockMovement.variant_id)
        .subquery()
    )
    rows = session.exec(
        select(Variant.sku, InventoryItem, sums.c.on_hand, sums.c.reserved)
        .join(Variant, Variant.id == InventoryItem.variant_id)
        .join(sums, sums.c.variant_id == InventoryItem.variant_id, isouter=True)
    ).all()
    drift = []
    for sku, item, ledger_on_hand, ledger_reserved in rows:
        ledger_on_hand, ledger_reserved = int(ledger_on_hand or 0), int(ledger_reserved or 0)
        if (item.on_hand, item.reserved) != (ledger_on_hand, ledger_reserved):
            drift.append(
                Drift(
                    variant_id=item.variant_id,
                    sku=sku,
                    on_hand=item.on_hand,
                    ledger_on_hand=ledger_on_hand,
                    reserved=item.reserved,
                    ledger_reserved=ledger_reserved,
                )
            )
    return drift


def low_stock_digest_job() -> int:
    """Daily: email the low-stock list to everyone with the inventory permission."""
    from shop_core.accounts.models import User
    from shop_core.accounts.roles import ROLE_PERMISSIONS, Perm
    from shop_core.db import unit_of_work
    from shop_core.email.service import queue_email

    roles = [r.value for r, perms in ROLE_PERMISSIONS.items() if Perm.INVENTORY_MANAGE in perms]
    with unit_of_work() as session:
        rows = low_stock(session)
        if not rows:
            return 0
        recipients = session.exec(
            select(User.email).where(User.role.in_(roles), User.is_active)
        ).all()
        for email in recipients:
            queue_email(
                session,
                to=email,
                template="low_stock_digest",
                context={"rows": [r.model_dump() for r in rows]},
            )
        return len(recipients)
