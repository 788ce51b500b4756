"""The shopper's cart: a guest cart found by the `shop_cart` cookie, or the signed-in
customer's account cart (which follows them across devices).

The cookie holds the guest cart's id, its only credential. Every handler resolves the
cart again on the backend through shop_core (`load_cart` checks who may use it), so a
forged cookie or a signed-out browser can never reach someone else's cart.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from shop.state.format import money
from shop.state.services import read, write
from shop.state.session import current_user
from shop_core.cart import service as carts
from shop_core.cart.service import CartView
from shop_core.errors import DomainError, NotFound
from shop_core.settings import get_settings

CART_COOKIE = "shop_cart"
CART_MAX_AGE = 60 * 24 * 60 * 60
LOW_STOCK = 5


@dataclass
class CartLineRow:
    id: int = 0
    sku: str = ""
    title: str = ""
    variant_title: str = ""
    href: str = ""
    image: str = ""
    quantity: int = 0
    available: int = 0
    max_quantity: int = 0
    unit_price: str = ""
    line_total: str = ""
    stock_note: str = ""


def line_row(line: carts.CartLine, currency: str) -> CartLineRow:
    if line.available <= 0:
        note = "Sold out: remove it to check out."
    elif line.quantity > line.available:
        note = f"Only {line.available} left: lower the quantity."
    elif line.available <= LOW_STOCK:
        note = f"Only {line.available} left"
    else:
        note = ""
    return CartLineRow(
        id=line.id,
        sku=line.sku,
        title=line.title,
        variant_title=line.variant_title,
        href=f"/product/{line.product_slug}",
        image=line.image or "",
        quantity=line.quantity,
        available=line.available,
        max_quantity=min(line.available, carts.MAX_LINE_QUANTITY),
        unit_price=money(line.unit_price, currency),
        line_total=money(line.line_total, currency),
        stock_note=note,
    )


def _find_cart(
    session: Session, *, token: str, user_id: int | None, create: bool
) -> CartView | None:
    """The caller's open cart (created on demand); None when there is none yet."""
    if user_id is not None:
        cart = carts.open_cart_of(session, user_id)
        if cart is not None:
            return carts.view(session, cart)
    elif token:
        try:
            return carts.view(session, carts.load_cart(session, token, user_id=None))
        except NotFound:
            pass  # checked out, deleted, or someone else's: start afresh
    return carts.create_cart(session, user_id=user_id) if create else None


class CartState(rx.State):
    """What the header badge, the cart drawer and the /cart page show."""

    cart_token: str = rx.Cookie(
        "",
        name=CART_COOKIE,
        path="/",
        same_site="lax",
        max_age=CART_MAX_AGE,
        secure=get_settings().public_url.startswith("https://") or None,
    )
    lines: list[CartLineRow] = []
    item_count: int = 0
    subtotal: str = ""
    discount: str = ""
    total: str = ""
    loaded: bool = False
    refreshing: bool = False
    drawer_open: bool = False
    busy_line: int = 0
    line_errors: dict[str, str] = {}

    @rx.var
    def is_empty(self) -> bool:
        return len(self.lines) == 0

    @rx.var
    def can_check_out(self) -> bool:
        return len(self.lines) > 0 and all(
            0 < line.quantity <= line.available for line in self.lines
        )

    # --- backend helpers other states use ------------------------------------------------

    async def _open_cart(self, *, create: bool = False, refresh: bool = True) -> CartView | None:
        """Resolve the cart for whoever is on this browser and show it.

        `refresh` runs in a unit of work so the price snapshots `cart.view` refreshes
        are kept; the badge on every page load only reads.
        """
        user = await current_user(self)
        uid = user.id if user else None
        token = self.cart_token
        run = write if (create or refresh) else read
        view = await run(lambda s: _find_cart(s, token=token, user_id=uid, create=create))
        self._show(view)
        return view

    async def _add(self, sku: str, quantity: int) -> DomainError | None:
        """Add a variant; returns the refusal (e.g. insufficient stock) instead of raising."""
        view = await self._open_cart(create=True)
        if view is None:  # pragma: no cover - create=True always yields a cart
            return DomainError("Your cart could not be opened.")
        user = await current_user(self)
        uid = user.id if user else None
        try:
            view = await write(
                lambda s: carts.add_item(s, view.id, sku=sku, quantity=quantity, user_id=uid)
            )
        except DomainError as exc:
            return exc
        self._show(view)
        return None

    def _show(self, view: CartView | None) -> None:
        self.loaded = True
        if view is None:
            self.lines, self.item_count = [], 0
            self.subtotal = self.discount = self.total = ""
            self.cart_token = ""
            return
        self.cart_token = view.id
        self.lines = [line_row(line, view.currency) for line in view.items]
        self.item_count = view.item_count
        self.subtotal = money(view.subtotal, view.currency)
        self.discount = money(view.discount_total, view.currency) if view.discount_total else ""
        self.total = money(view.total, view.currency)
        known = {str(line.id) for line in view.items}
        self.line_errors = {k: v for k, v in self.line_errors.items() if k in known}

    # --- events --------------------------------------------------------------------------

    @rx.event
    async def sync(self):
        """The header badge on every page load (reads only)."""
        self.drawer_open = False
        await self._open_cart(refresh=False)

    @rx.event
    async def refresh(self):
        """Fresh prices and stock (the /cart page and the drawer when they open)."""
        self.refreshing = True
        self.line_errors = {}
        yield
        try:
            await self._open_cart()
        finally:
            self.refreshing = False

    @rx.event
    def open_drawer(self):
        self.drawer_open = True
        return CartState.refresh

    @rx.event
    def set_drawer_open(self, value: bool):
        self.drawer_open = value

    @rx.event
    async def set_quantity(self, line_id: int, quantity: int):
        if quantity < 1:
            return
        self.busy_line = line_id
        yield
        error = await self._change(line_id, quantity)
        self.busy_line = 0
        if error is not None:
            yield rx.toast.error(error)

    @rx.event
    async def remove(self, line_id: int):
        self.busy_line = line_id
        yield
        error = await self._change(line_id, 0)
        self.busy_line = 0
        yield rx.toast.error(error) if error else rx.toast.success("Removed from your cart.")

    async def _change(self, line_id: int, quantity: int) -> str | None:
        user = await current_user(self)
        uid = user.id if user else None
        token = self.cart_token
        if uid is not None:
            view = await read(lambda s: _find_cart(s, token=token, user_id=uid, create=False))
            token = view.id if view else ""
        try:
            view = await write(
                lambda s: carts.update_item(s, token, line_id, quantity=quantity, user_id=uid)
            )
        except NotFound:
            await self._open_cart()
            return "That item is no longer in your cart."
        except DomainError as exc:
            self.line_errors = {
                **self.line_errors,
                str(line_id): exc.fields.get("quantity", exc.message),
            }
            await self._open_cart()
            return exc.message
        self.line_errors = {k: v for k, v in self.line_errors.items() if k != str(line_id)}
        self._show(view)
        return None


async def merge_guest_cart_at_sign_in(state: rx.State, user_id: int) -> None:
    """Fold this browser's guest cart into the customer's account cart."""
    cart = await state.get_state(CartState)
    token = cart.cart_token
    if not token:
        return
    try:
        view = await write(
            lambda s: carts.merge_guest_cart(s, guest_cart_id=token, user_id=user_id)
        )
    except DomainError:
        view = None
    if view is not None:
        cart._show(view)
