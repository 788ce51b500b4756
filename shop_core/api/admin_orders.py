"""Admin endpoints for orders (lifecycle, shipments, refunds, notes) and inventory."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.api.deps import requires
from shop_core.db import read_session, unit_of_work
from shop_core.errors import InvalidInput
from shop_core.inventory import service as inventory
from shop_core.orders import invoices
from shop_core.orders import service as orders
from shop_core.orders.views import OrderOut, OrderSummary
from shop_core.pagination import MAX_PER_PAGE, Page

router = APIRouter(prefix="/admin", tags=["admin orders and inventory"])
OrderViewer = Annotated[accounts.UserView, Depends(requires(Perm.ORDERS_VIEW))]
OrderManager = Annotated[accounts.UserView, Depends(requires(Perm.ORDERS_MANAGE))]
StockManager = Annotated[accounts.UserView, Depends(requires(Perm.INVENTORY_MANAGE))]


@router.get("/orders", response_model=Page[OrderSummary])
def list_orders(
    _: OrderViewer,
    status: Annotated[str | None, Query(max_length=20)] = None,
    customer: Annotated[str | None, Query(max_length=254)] = None,
    q: Annotated[str | None, Query(max_length=254)] = None,
    date_from: Annotated[datetime | None, Query(alias="from")] = None,
    date_to: Annotated[datetime | None, Query(alias="to")] = None,
    needs_attention: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> Page[OrderSummary]:
    for value, name in ((date_from, "from"), (date_to, "to")):
        if value is not None and value.tzinfo is None:
            raise InvalidInput("Dates need a timezone.", fields={name: "e.g. 2026-11-01T00:00:00Z"})
    with read_session() as session:
        return orders.list_for_staff(
            session,
            status=status,
            customer=customer,
            q=q,
            date_from=date_from,
            date_to=date_to,
            needs_attention=needs_attention,
            page=page,
            per_page=per_page,
        )


@router.get("/orders/{number}", response_model=OrderOut)
def get_order(number: str, _: OrderViewer) -> OrderOut:
    with read_session() as session:
        return orders.get_for_staff(session, number)


@router.get("/orders/{number}/invoice.pdf")
def admin_invoice(number: str, _: OrderViewer) -> FileResponse:
    with read_session() as session:
        order = orders.get_for_staff(session, number)
    return FileResponse(
        invoices.invoice_file(order.number),
        media_type="application/pdf",
        filename=f"invoice-{order.number}.pdf",
    )


class ShipmentIn(BaseModel):
    carrier: str = Field(min_length=1, max_length=60)
    tracking_number: str = Field(min_length=1, max_length=100)
    tracking_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")


@router.post("/orders/{number}/shipments", status_code=201, response_model=OrderOut)
def ship(number: str, body: ShipmentIn, user: OrderManager) -> OrderOut:
    with unit_of_work() as session:
        orders.add_shipment(
            session,
            number,
            carrier=body.carrier,
            tracking_number=body.tracking_number,
            tracking_url=body.tracking_url,
            actor_id=user.id,
        )
        return orders.get_for_staff(session, number)


@router.post("/orders/{number}/deliver", response_model=OrderOut)
def deliver(number: str, user: OrderManager) -> OrderOut:
    with unit_of_work() as session:
        orders.mark_delivered(session, number, actor_id=user.id)
        return orders.get_for_staff(session, number)


class RestockLine(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)


class RefundIn(BaseModel):
    amount: int = Field(gt=0, le=100_000_000)
    reason: str = Field(default="", max_length=500)
    restock: list[RestockLine] = Field(default_factory=list, max_length=100)


@router.post("/orders/{number}/refunds", status_code=201)
def refund(
    number: str,
    body: RefundIn,
    user: OrderManager,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)] = None,
) -> JSONResponse:
    status, response = orders.refund_once(
        number,
        amount=body.amount,
        reason=body.reason,
        restock=[(r.sku, r.quantity) for r in body.restock],
        idempotency_key=idempotency_key,
        actor_id=user.id,
    )
    return JSONResponse(response, status_code=status)


class CancelIn(BaseModel):
    reason: str = Field(default="", max_length=500)


@router.post("/orders/{number}/cancel", response_model=OrderOut)
def cancel(number: str, body: CancelIn, user: OrderManager) -> OrderOut:
    with unit_of_work() as session:
        orders.cancel(session, number, reason=body.reason, actor_id=user.id)
        return orders.get_for_staff(session, number)


class NoteIn(BaseModel):
    message: str = Field(min_length=1, max_length=5000)


@router.post("/orders/{number}/notes", status_code=201, response_model=OrderOut)
def add_note(number: str, body: NoteIn, user: OrderViewer) -> OrderOut:
    with unit_of_work() as session:
        orders.add_note(session, number, message=body.message, actor_id=user.id)
        return orders.get_for_staff(session, number)


class MovementIn(BaseModel):
    delta: int = Field(ge=-1_000_000, le=1_000_000)
    reason: str = Field(max_length=20)
    note: str = Field(default="", max_length=200)


@router.get("/inventory/alerts", response_model=list[inventory.LowStockRow])
def low_stock_alerts(_: StockManager) -> list[inventory.LowStockRow]:
    with read_session() as session:
        return inventory.low_stock(session)


@router.get("/inventory/{sku}", response_model=inventory.StockDetail)
def stock_detail(sku: str, _: StockManager) -> inventory.StockDetail:
    with read_session() as session:
        return inventory.stock_detail(session, sku=sku)


@router.post("/inventory/{sku}/movements", status_code=201, response_model=inventory.StockLevel)
def add_movement(sku: str, body: MovementIn, user: StockManager) -> inventory.StockLevel:
    with unit_of_work() as session:
        return inventory.move_by_sku(
            session, sku=sku, delta=body.delta, reason=body.reason, note=body.note, actor_id=user.id
        )


class ThresholdIn(BaseModel):
    low_stock_threshold: int = Field(ge=0, le=1_000_000)


@router.patch("/inventory/{sku}", response_model=inventory.StockLevel)
def set_threshold(sku: str, body: ThresholdIn, _: StockManager) -> inventory.StockLevel:
    with unit_of_work() as session:
        return inventory.set_threshold(session, sku=sku, threshold=body.low_stock_threshold)
