"""Carts, checkout and the customer's orders (guests by order number + email)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from shop_core.api.deps import Caller, CurrentCaller, optional_caller
from shop_core.cart import service as carts
from shop_core.checkout.service import CheckoutIn, place_order
from shop_core.db import read_session, unit_of_work
from shop_core.idempotency import run_once
from shop_core.orders import invoices
from shop_core.orders import service as orders
from shop_core.orders.addresses import (
    AddressIn,
    AddressOut,
    delete_address,
    list_addresses,
    save_address,
)
from shop_core.orders.views import OrderOut, OrderSummary
from shop_core.pagination import Page

router = APIRouter(tags=["cart and checkout"])
OptionalCaller = Annotated[Caller | None, Depends(optional_caller)]


def _uid(caller: Caller | None) -> int | None:
    return caller.user.id if caller else None


class ItemIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(default=1, ge=1, le=carts.MAX_LINE_QUANTITY)


class QuantityIn(BaseModel):
    quantity: int = Field(ge=0, le=carts.MAX_LINE_QUANTITY)


class PromotionIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)


@router.post("/carts", status_code=201, response_model=carts.CartView)
def create_cart(caller: OptionalCaller) -> carts.CartView:
    with unit_of_work() as session:
        return carts.create_cart(session, user_id=_uid(caller))


@router.get("/carts/{cart_id}", response_model=carts.CartView)
def get_cart(cart_id: str, caller: OptionalCaller) -> carts.CartView:
    with unit_of_work() as session:  # reading refreshes the price snapshots
        return carts.view(session, carts.load_cart(session, cart_id, user_id=_uid(caller)))


@router.post("/carts/{cart_id}/items", status_code=201, response_model=carts.CartView)
def add_item(cart_id: str, body: ItemIn, caller: OptionalCaller) -> carts.CartView:
    with unit_of_work() as session:
        return carts.add_item(
            session, cart_id, sku=body.sku, quantity=body.quantity, user_id=_uid(caller)
        )


@router.patch("/carts/{cart_id}/items/{item_id}", response_model=carts.CartView)
def update_item(
    cart_id: str, item_id: int, body: QuantityIn, caller: OptionalCaller
) -> carts.CartView:
    with unit_of_work() as session:
        return carts.update_item(
            session, cart_id, item_id, quantity=body.quantity, user_id=_uid(caller)
        )


@router.delete("/carts/{cart_id}/items/{item_id}", response_model=carts.CartView)
def remove_item(cart_id: str, item_id: int, caller: OptionalCaller) -> carts.CartView:
    with unit_of_work() as session:
        return carts.remove_item(session, cart_id, item_id, user_id=_uid(caller))


@router.post("/carts/{cart_id}/promotions", response_model=carts.CartView)
def apply_promotion(cart_id: str, body: PromotionIn, caller: OptionalCaller) -> carts.CartView:
    with unit_of_work() as session:
        return carts.apply_promotion(session, cart_id, code=body.code, user_id=_uid(caller))


@router.post("/checkout", status_code=201)
def checkout(
    body: CheckoutIn,
    caller: OptionalCaller,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)] = None,
) -> JSONResponse:
    user_id = _uid(caller)
    status, response = run_once(
        f"checkout:{user_id or 'guest'}",
        idempotency_key,
        body.model_dump(mode="json"),
        lambda session: place_order(session, body, user_id=user_id).model_dump(mode="json"),
    )
    return JSONResponse(response, status_code=status)


@router.get("/orders", response_model=Page[OrderSummary])
def my_orders(caller: CurrentCaller, page: Annotated[int, Query(ge=1)] = 1) -> Page[OrderSummary]:
    with read_session() as session:
        return orders.list_for_user(session, caller.user.id, page=page)


@router.get("/orders/{number}", response_model=OrderOut)
def order_detail(
    number: str, caller: OptionalCaller, email: Annotated[str | None, Query(max_length=254)] = None
) -> OrderOut:
    with read_session() as session:
        return orders.get_for_customer(session, number, user_id=_uid(caller), email=email)


@router.get("/orders/{number}/invoice.pdf")
def order_invoice(
    number: str, caller: OptionalCaller, email: Annotated[str | None, Query(max_length=254)] = None
) -> FileResponse:
    with read_session() as session:
        order = orders.get_for_customer(session, number, user_id=_uid(caller), email=email)
    path = invoices.invoice_file(order.number)
    return FileResponse(path, media_type="application/pdf", filename=f"invoice-{order.number}.pdf")


@router.get("/me/addresses", response_model=list[AddressOut])
def my_addresses(caller: CurrentCaller) -> list[AddressOut]:
    with read_session() as session:
        return list_addresses(session, caller.user.id)


@router.post("/me/addresses", status_code=201, response_model=AddressOut)
def add_address(body: AddressIn, caller: CurrentCaller) -> AddressOut:
    with unit_of_work() as session:
        return save_address(session, caller.user.id, body)


@router.delete("/me/addresses/{address_id}", status_code=204)
def remove_address(address_id: int, caller: CurrentCaller) -> None:
    with unit_of_work() as session:
        delete_address(session, caller.user.id, address_id)
