"""Checkout: contact, shipping address (or a saved one), shipping method, server-computed
totals, and placing the order exactly once however often "Pay" is pressed.

Each visit of /checkout gets its own idempotency key, kept in a backend-only var: a
double click, or a retry after a lost answer, replays the first order's answer (the
same payment page) instead of placing a second order.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass

import reflex as rx
from pydantic import ValidationError

from shop.state.cart import CartState
from shop.state.format import money
from shop.state.services import read
from shop.state.session import client_ip, current_user
from shop_core import ratelimit
from shop_core.accounts.service import normalize_email
from shop_core.cart.service import CartView
from shop_core.checkout.service import CheckoutIn, place_order, quote
from shop_core.errors import DomainError
from shop_core.idempotency import run_once
from shop_core.orders.addresses import (
    POSTAL_FORMATS,
    REGION_REQUIRED,
    AddressIn,
    AddressOut,
    list_addresses,
)
from shop_core.settings import get_settings

CHECKOUT_RATE_LIMIT = "10/minute"  # orders placed per address (each reserves stock)
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code")
OPTIONAL_FIELDS = {"line2", "region"}
COUNTRIES: list[tuple[str, str]] = [
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("BE", "Belgium"),
    ("CA", "Canada"),
    ("CH", "Switzerland"),
    ("DE", "Germany"),
    ("DK", "Denmark"),
    ("ES", "Spain"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("IT", "Italy"),
    ("JP", "Japan"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("SE", "Sweden"),
    ("US", "United States"),
]
COUNTRY_NAMES = dict(COUNTRIES)
DEFAULT_COUNTRY = "DE"
METHODS = {
    "standard": ("Standard", "3–5 working days"),
    "express": ("Express", "Next working day"),
}


@dataclass
class SavedAddress:
    id: str = ""
    summary: str = ""
    name: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    is_default: bool = False


@dataclass
class ShippingChoice:
    value: str = ""
    label: str = ""
    detail: str = ""
    price: str = ""


def saved_address(a: AddressOut) -> SavedAddress:
    parts = [a.line1, a.line2, f"{a.postal_code} {a.city}", COUNTRY_NAMES.get(a.country, a.country)]
    return SavedAddress(
        id=str(a.id),
        summary=", ".join(p for p in parts if p),
        name=a.name,
        line1=a.line1,
        line2=a.line2 or "",
        city=a.city,
        region=a.region or "",
        postal_code=a.postal_code,
        country=a.country,
        is_default=a.is_default,
    )


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors for CheckoutIn as {form field: message}.

    Address rules that span fields (postal code per country, region) arrive as
    "Value error, postal_code: …" on the address itself; the prefix names the field.
    """
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        name = loc[-1] if loc else "form"
        message = str(err.get("msg", "Invalid."))
        if err.get("type") == "string_too_short" and err.get("ctx", {}).get("min_length") == 1:
            message = "Required."
        message = message.removeprefix("Value error, ")
        head, sep, rest = message.partition(": ")
        if sep and head in ADDRESS_FIELDS + ("country",):
            name, message = head, rest
        if name == "shipping_address":
            name = "form"
        out.setdefault(name, message[:1].upper() + message[1:])
    return out


def address_errors(address: dict) -> dict[str, str]:
    """Every problem with an address at once.

    Rules across fields (postal code per country) only run once each field is valid on
    its own, so a second pass stands in for the empty text fields to reach them too.
    """
    try:
        AddressIn(**address)
        return {}
    except ValidationError as exc:
        errors = field_errors(exc)
    stand_ins = {k: "x" for k in ("name", "line1", "city") if k in errors}
    if stand_ins:
        try:
            AddressIn(**{**address, **stand_ins})
        except ValidationError as exc:
            errors = {**field_errors(exc), **errors}
    return errors


def _goto(url: str) -> rx.event.EventSpec:
    """Leave the app for the payment page with a full page load.

    rx.redirect would route a same-origin URL (the built-in test gateway in production
    mode shares our port) through the client-side router, which knows no such page.
    """
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


class CheckoutState(rx.State):
    loading: bool = True
    has_items: bool = False
    signed_in: bool = False
    email: str = ""
    country: str = DEFAULT_COUNTRY
    shipping_method: str = "standard"
    save_address: bool = True
    saved: list[SavedAddress] = []
    saved_choice: str = ""
    choices: list[ShippingChoice] = []
    subtotal: str = ""
    discount: str = ""
    shipping: str = ""
    tax: str = ""
    total: str = ""
    errors: dict[str, str] = {}
    error: str = ""
    placing: bool = False
    form_key: int = 0  # bumps to re-mount the form with a saved address's values

    _attempt_key: str = ""
    _payment_url: str = ""  # the placed order's payment page, for a repeated click
    _placed_orders: dict[str, str] = {}  # number → email, for the thank-you page
    _subtotal: int = 0
    _discount: int = 0
    _currency: str = ""

    @rx.var
    def postal_hint(self) -> str:
        fmt = POSTAL_FORMATS.get(self.country)
        return f"Format: {fmt[1]}." if fmt else ""

    @rx.var
    def region_required(self) -> bool:
        return self.country in REGION_REQUIRED

    @rx.var
    def chosen(self) -> SavedAddress:
        return next((a for a in self.saved if a.id == self.saved_choice), SavedAddress())

    @rx.event
    async def load(self):
        self.loading = True
        self.errors, self.error, self.placing = {}, "", False
        self._attempt_key = "web-checkout-" + secrets.token_urlsafe(24)
        self._payment_url = ""
        yield
        user = await current_user(self)
        cart = await self.get_state(CartState)
        view = await cart._open_cart()
        self.signed_in = user is not None
        self.email = user.email if user else self.email
        if user is not None:
            addresses = await read(lambda s: list_addresses(s, user.id))
            self.saved = [saved_address(a) for a in addresses]
            if self.saved and not self.saved_choice:
                self._use(self.saved[0])
        else:
            self.saved, self.saved_choice = [], ""
        self._show_totals(view)
        self.loading = False

    def _show_totals(self, view: CartView | None) -> None:
        self.has_items = bool(view and view.items)
        if not view:
            return
        self._subtotal, self._discount, self._currency = (
            view.subtotal,
            view.discount_total,
            view.currency,
        )
        choices = []
        for method, (label, detail) in METHODS.items():
            cost = quote(view.subtotal, view.discount_total, method).shipping_total
            price = "Free" if cost == 0 else money(cost, view.currency)
            choices.append(ShippingChoice(value=method, label=label, detail=detail, price=price))
        self.choices = choices
        self._requote()

    def _requote(self) -> None:
        totals = quote(self._subtotal, self._discount, self.shipping_method)
        currency = self._currency or get_settings().currency
        self.subtotal = money(totals.subtotal, currency)
        self.discount = money(totals.discount_total, currency) if totals.discount_total else ""
        self.shipping = (
            "Free" if totals.shipping_total == 0 else money(totals.shipping_total, currency)
        )
        self.tax = money(totals.tax_total, currency)
        self.total = money(totals.total, currency)

    def _use(self, address: SavedAddress) -> None:
        self.saved_choice = address.id
        self.country = address.country
        self.save_address = False
        self.form_key += 1

    @rx.event
    def choose_saved(self, address_id: str):
        found = next((a for a in self.saved if a.id == address_id), None)
        if found is None:  # "a new address"
            self.saved_choice = ""
            self.save_address = True
            self.form_key += 1
            return
        self._use(found)
        self.errors = {}

    @rx.event
    def set_country(self, value: str):
        if value in COUNTRY_NAMES:
            self.country = value
            self.errors = {
                k: v for k, v in self.errors.items() if k not in ("postal_code", "region")
            }

    @rx.event
    def set_shipping_method(self, value: str):
        if value in METHODS:
            self.shipping_method = value
            self._requote()

    @rx.event
    def set_save_address(self, value: bool):
        self.save_address = bool(value)

    @rx.event
    async def place(self, form_data: dict):
        if self._payment_url:  # placed already: a second click goes to the same payment
            yield _goto(self._payment_url)
            return
        if self.placing:
            return
        self.placing = True
        self.errors, self.error = {}, ""
        yield
        try:
            url = await self._place(form_data)
        except DomainError as exc:
            self.placing = False
            self.errors = {k.rsplit(".", 1)[-1]: v for k, v in exc.fields.items()}
            self.error = exc.message
            yield rx.toast.error(exc.message)
            return
        if url is None:
            self.placing = False
            if self.error:
                yield rx.toast.error(self.error)
            return
        yield _goto(url)

    async def _place(self, form_data: dict) -> str | None:
        """Validate, place the order once, and return the payment page's address."""
        user = await current_user(self)
        uid = user.id if user else None
        cart = await self.get_state(CartState)
        view = await cart._open_cart()
        self._show_totals(view)
        if view is None or not view.items:
            self.error = "Your cart is empty."
            return None
        email = str(form_data.get("email", "")).strip()
        address: dict[str, str | None] = {
            f: (str(form_data.get(f, "")).strip() or None)
            if f in OPTIONAL_FIELDS
            else str(form_data.get(f, "")).strip()
            for f in ADDRESS_FIELDS
        }
        address["country"] = self.country
        errors = address_errors(address)
        try:
            normalize_email(email)
        except DomainError:
            errors["email"] = "Enter an email address like you@example.com."
        try:
            data = CheckoutIn(
                cart_id=view.id,
                email=email,
                shipping_address=address,
                shipping_method=self.shipping_method,
                save_address=uid is not None and self.save_address,
            )
        except ValidationError as exc:
            errors = {**field_errors(exc), **errors}
        if errors:
            self.error = errors.pop("form", "Please check the highlighted fields.")
            self.errors = errors
            return None
        ratelimit.hit(CHECKOUT_RATE_LIMIT, "checkout", client_ip(self))
        body = data.model_dump(mode="json")
        scope = f"checkout:{uid or 'guest'}"
        _, placed = await asyncio.to_thread(
            run_once,
            scope,
            self._attempt_key,
            body,
            lambda s: place_order(s, data, user_id=uid).model_dump(mode="json"),
        )
        self._placed_orders = {**self._placed_orders, placed["order_number"]: email}
        self._payment_url = placed["payment"]["checkout_url"]
        cart._show(None)  # that cart is checked out; the next add starts a new one
        return self._payment_url
