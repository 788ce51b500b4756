"""Inventory: find a SKU, see its stock and ledger, receive or adjust it, set its low-stock
threshold, and watch the low-stock alerts."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from shop.state.services import read, write
from shop_admin.components.forms import error_summary, input_field, label
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import empty_state, scroll_table, table_card
from shop_admin.errors import explain
from shop_admin.formatting import fmt_time, parse_count
from shop_admin.guard import admin_event
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.catalog import queries
from shop_core.errors import DomainError, InvalidInput, NotFound
from shop_core.inventory import service as inventory

REASONS = [
    ("receive", "Receive (delivery in)"),
    ("adjustment", "Adjustment (count correction)"),
    ("return", "Return (back from a customer)"),
]
KIND_COLORS = {
    "receive": "green",
    "return": "teal",
    "refund": "teal",
    "adjustment": "amber",
    "sale": "violet",
    "reserve": "blue",
    "release": "gray",
}
SEARCH_PRODUCTS = 6


@dataclasses.dataclass
class SkuMatch:
    sku: str
    product: str
    variant: str
    available: int


@dataclasses.dataclass
class MovementRow:
    when: str
    kind: str
    on_hand: str
    reserved: str
    reason: str
    reference: str


@dataclasses.dataclass
class LowRow:
    sku: str
    product: str
    available: int
    threshold: int


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("0" if n == 0 else f"−{abs(n)}")


def find_skus(session: Session, text: str) -> list[SkuMatch]:
    """Variants whose product matches `text` (title, SKU, tag), exact SKU first."""
    found = queries.list_products(
        session, queries.ProductFilters(q=text, status=None), page=1, per_page=SEARCH_PRODUCTS
    )
    matches: list[SkuMatch] = []
    for summary in found.items:
        detail = queries.product_detail(
            session, product_id=summary.id, include_unpublished=True, admin=True
        )
        for v in detail.variants:
            matches.append(
                SkuMatch(
                    sku=v.sku,
                    product=detail.title,
                    variant=" / ".join(v.option_values.values()) or "Default",
                    available=v.available,
                )
            )
    wanted = text.strip().upper()
    matches.sort(key=lambda m: (m.sku.upper() != wanted, wanted not in m.sku.upper()))
    return matches[:40]


class InventoryState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.INVENTORY_MANAGE

    query: str = ""
    searching: bool = False
    searched: bool = False
    matches: list[SkuMatch] = []
    sku: str = ""
    on_hand: int = 0
    reserved: int = 0
    available: int = 0
    threshold: int = 5
    movements: list[MovementRow] = []
    low: list[LowRow] = []
    loading: bool = False
    # The movement and threshold forms.
    delta: str = ""
    reason: str = "receive"
    note: str = ""
    threshold_text: str = ""
    errors: dict[str, str] = {}
    messages: list[str] = []
    moving: bool = False

    @rx.var
    def is_low(self) -> bool:
        return self.sku != "" and self.available <= self.threshold

    async def _load_low(self) -> None:
        rows = await read(lambda s: inventory.low_stock(s, limit=100))
        self.low = [
            LowRow(
                sku=r.sku,
                product=r.product_title,
                available=r.available,
                threshold=r.low_stock_threshold,
            )
            for r in rows
        ]

    async def _open(self, sku: str) -> bool:
        try:
            detail = await read(lambda s: inventory.stock_detail(s, sku=sku, limit=50))
        except NotFound:
            return False
        self.sku = detail.sku
        self.on_hand, self.reserved, self.available = (
            detail.on_hand,
            detail.reserved,
            detail.available,
        )
        self.threshold = detail.low_stock_threshold
        self.threshold_text = str(detail.low_stock_threshold)
        self.movements = [
            MovementRow(
                when=fmt_time(m.created_at),
                kind=m.kind,
                on_hand=_signed(m.on_hand_delta),
                reserved=_signed(m.reserved_delta),
                reason=m.reason,
                reference=m.reference or "",
            )
            for m in detail.movements
        ]
        return True

    @rx.event
    @admin_event(Perm.INVENTORY_MANAGE)
    async def load(self, actor: UserView):
        self.loading = True
        self.errors, self.messages, self.matches, self.searched = {}, [], [], False
        yield
        wanted = str(self.router.url.query_parameters.get("sku", "") or "").strip()[:64]
        if wanted:
            self.query = wanted
            if not await self._open(wanted):
                self.sku = ""
                yield rx.toast.error(f"No variant with the SKU {wanted}.")
        elif self.sku and not await self._open(self.sku):
            self.sku = ""
        await self._load_low()
        self.loading = False

    @rx.event
    @admin_event(Perm.INVENTORY_MANAGE)
    async def search(self, actor: UserView, form_data: dict):
        text = str(form_data.get("q", "")).strip()[:64]
        self.query = text
        if not text:
            self.matches, self.searched = [], False
            return
        self.searching = True
        yield
        if await self._open(text):  # an exact SKU opens at once
            self.matches, self.searched, self.searching = [], False, False
            self.errors, self.messages = {}, []
            return
        self.matches = await read(lambda s: find_skus(s, text))
        self.searched, self.searching = True, False

    @rx.event
    @admin_event(Perm.INVENTORY_MANAGE)
    async def open_sku(self, actor: UserView, sku: str):
        self.errors, self.messages = {}, []
        self.delta, self.note = "", ""
        if not await self._open(str(sku)):
            return rx.toast.error("That SKU is gone.")
        self.matches, self.searched = [], False
        return None

    @rx.event
    @admin_event(Perm.INVENTORY_MANAGE)
    async def set_field(self, actor: UserView, field: str, value: str):
        if field in ("delta", "note", "threshold_text"):
            setattr(self, field, str(value)[:200])
        elif field == "reason" and value in dict(REASONS):
            self.reason = value
        key = "low_stock_threshold" if field == "threshold_text" else field
        self.errors = {k: v for k, v in self.errors.items() if k != key}

    @rx.event
    @admin_event(Perm.INVENTORY_MANAGE)
    async def record(self, actor: UserView):
        sku, reason, note = self.sku, self.reason, self.note.strip()
        if not sku:
            return
        self.moving = True
        yield
        try:
            delta = parse_count(self.delta, allow_negative=reason == "adjustment")
            if delta is None:
                raise InvalidInput("Enter a quantity.", fields={"delta": "Enter a quantity."})
            level = await write(
                lambda s: inventory.move_by_sku(
                    s, sku=sku, delta=delta, reason=reason, note=note, actor_id=actor.id
                )
            )
        except ValueError as exc:
            self.errors, self.moving = {"delta": str(exc)}, False
            yield rx.toast.error(str(exc))
            return
        except DomainError as exc:
            message, fields = explain(exc)
            fields = {("delta" if k == "quantity" else k): v for k, v in fields.items()}
            self.errors = {k: v for k, v in fields.items() if k in ("delta", "reason")}
            self.messages = [v for k, v in fields.items() if k not in self.errors]
            self.moving = False
            yield rx.toast.error(message)
            return
        self.delta, self.note, self.errors, self.messages = "", "", {}, []
        await self._open(sku)
        await self._load_low()
        self.moving = False
        yield rx.toast.success(f"{sku}: {level.available} available now.")

    @rx.event
    @admin_event(Perm.INVENTORY_MANAGE)
    async def save_threshold(self, actor: UserView):
        sku = self.sku
        try:
            value = parse_count(self.threshold_text)
            if value is None:
                raise ValueError("Enter a whole number, 0 or more.")
            await write(lambda s: inventory.set_threshold(s, sku=sku, threshold=value))
        except ValueError as exc:
            self.errors = {"low_stock_threshold": str(exc)}
            return rx.toast.error(str(exc))
        except DomainError as exc:
            message, fields = explain(exc)
            self.errors = {"low_stock_threshold": fields.get("low_stock_threshold", message)}
            return rx.toast.error(message)
        await self._open(sku)
        await self._load_low()
        return rx.toast.success(f"{sku} alerts at {value} or fewer.")


S = InventoryState


def _stat(label_: str, value, color: str, icon: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.center(
                rx.icon(icon, size=14),
                width="26px",
                height="26px",
                border_radius="9px",
                background="var(--" + color + "-3)",
                color="var(--" + color + "-11)",
                flex_shrink="0",
                display=["none", "flex"],
            ),
            rx.text(label_, size="1", color_scheme="gray", white_space="nowrap"),
            spacing="2",
            align="center",
        ),
        rx.heading(value, size="6"),
        spacing="1",
        padding="12px",
        border_radius="16px",
        background="var(--gray-a2)",
        width="100%",
        min_width="0",
    )


def _search() -> rx.Component:
    return table_card(
        rx.form(
            rx.flex(
                rx.input(
                    rx.input.slot(rx.icon("scan-barcode", size=16)),
                    name="q",
                    type="search",
                    placeholder="SKU, or a product name",
                    aria_label="Find a SKU",
                    default_value=S.query,
                    size="3",
                    flex="1",
                    min_width="0",
                    id="inventory-search",
                ),
                rx.button("Find", type="submit", size="3", loading=S.searching, cursor="pointer"),
                gap="8px",
                width="100%",
            ),
            on_submit=S.search,
            reset_on_submit=False,
            role="search",
            width="100%",
        ),
        rx.cond(
            S.matches.length() > 0,
            rx.vstack(
                rx.foreach(
                    S.matches,
                    lambda m: rx.button(
                        rx.hstack(
                            rx.code(m.sku, size="2", variant="ghost"),
                            rx.text(
                                m.product,
                                " · ",
                                m.variant,
                                size="2",
                                color_scheme="gray",
                                truncate=True,
                                flex="1",
                                text_align="left",
                            ),
                            rx.badge(m.available, " available", variant="soft", radius="full"),
                            spacing="3",
                            align="center",
                            width="100%",
                        ),
                        variant="ghost",
                        size="2",
                        width="100%",
                        justify_content="start",
                        on_click=S.open_sku(m.sku),
                        cursor="pointer",
                        aria_label="Open " + m.sku,
                    ),
                ),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                S.searched,
                rx.text("Nothing matches “", S.query, "”.", size="2", color_scheme="gray"),
            ),
        ),
    )


def _movement_row(m: MovementRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(m.when, size="2", white_space="nowrap")),
        rx.table.cell(
            rx.match(
                m.kind,
                *[(k, rx.badge(k, color_scheme=c, radius="full")) for k, c in KIND_COLORS.items()],
                rx.badge(m.kind, radius="full"),
            )
        ),
        rx.table.cell(rx.text(m.on_hand, size="2", weight="medium")),
        rx.table.cell(rx.text(m.reserved, size="2", color_scheme="gray")),
        rx.table.cell(rx.text(m.reason, size="2")),
        rx.table.cell(rx.code(m.reference, size="1", variant="ghost")),
    )


def _detail() -> rx.Component:
    return rx.cond(
        S.sku != "",
        rx.vstack(
            table_card(
                rx.flex(
                    rx.hstack(
                        rx.code(S.sku, size="5", weight="bold", variant="ghost"),
                        rx.cond(
                            S.is_low,
                            rx.badge(
                                rx.icon("triangle-alert", size=12),
                                "low stock",
                                color_scheme="red",
                                radius="full",
                            ),
                        ),
                        spacing="3",
                        align="center",
                    ),
                    justify="between",
                    width="100%",
                ),
                rx.grid(
                    _stat("On hand", S.on_hand, "violet", "boxes"),
                    _stat("Reserved", S.reserved, "blue", "shopping-cart"),
                    _stat("Available", S.available, "green", "package-check"),
                    columns="3",
                    spacing="2",
                    width="100%",
                    id="stock-levels",
                ),
                rx.grid(
                    rx.vstack(
                        rx.heading("Record a movement", size="3"),
                        rx.vstack(
                            label("Reason", "movement-reason"),
                            rx.select.root(
                                rx.select.trigger(id="movement-reason", width="100%"),
                                rx.select.content(
                                    *[rx.select.item(t, value=v) for v, t in REASONS]
                                ),
                                value=S.reason,
                                on_change=lambda v: S.set_field("reason", v),
                                size="3",
                            ),
                            spacing="1",
                            width="100%",
                        ),
                        input_field(
                            "movement-delta",
                            "Quantity",
                            value=S.delta,
                            on_change=lambda v: S.set_field("delta", v),
                            errors=S.errors,
                            key="delta",
                            input_mode="numeric",
                            placeholder=rx.cond(S.reason == "adjustment", "-2 or 5", "12"),
                            hint=rx.cond(
                                S.reason == "adjustment",
                                "Negative to remove units, positive to add.",
                                "How many units come in.",
                            ),
                        ),
                        input_field(
                            "movement-note",
                            "Note",
                            value=S.note,
                            on_change=lambda v: S.set_field("note", v),
                            optional=True,
                            placeholder="Supplier delivery #123",
                            max_length=200,
                        ),
                        error_summary(S.messages, "Not recorded"),
                        rx.button(
                            rx.icon("check", size=16),
                            "Record",
                            on_click=S.record,
                            loading=S.moving,
                            size="3",
                            cursor="pointer",
                            id="record-movement",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    rx.vstack(
                        rx.heading("Low-stock alert", size="3"),
                        rx.text(
                            "Alert when available stock falls to this number or below.",
                            size="2",
                            color_scheme="gray",
                        ),
                        input_field(
                            "threshold",
                            "Threshold",
                            value=S.threshold_text,
                            on_change=lambda v: S.set_field("threshold_text", v),
                            errors=S.errors,
                            key="low_stock_threshold",
                            input_mode="numeric",
                        ),
                        rx.button(
                            "Save threshold",
                            variant="soft",
                            on_click=S.save_threshold,
                            size="3",
                            cursor="pointer",
                            id="save-threshold",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="5",
                    width="100%",
                ),
            ),
            table_card(
                rx.heading("Movement history", size="4"),
                rx.cond(
                    S.movements.length() > 0,
                    scroll_table(
                        ["When", "Kind", "On hand", "Reserved", "Reason", "Reference"],
                        rx.foreach(S.movements, _movement_row),
                    ),
                    empty_state(
                        "history", "No movements yet", "Received stock and sales show up here."
                    ),
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )


def _low_row(row: LowRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                row.sku,
                href="#",
                on_click=S.open_sku(row.sku).prevent_default,
                weight="medium",
                size="2",
            ),
        ),
        rx.table.cell(rx.text(row.product, size="2")),
        rx.table.cell(
            rx.badge(
                row.available,
                color_scheme=rx.cond(row.available <= 0, "red", "amber"),
                radius="full",
            )
        ),
        rx.table.cell(rx.text(row.threshold, size="2", color_scheme="gray")),
    )


def _alerts() -> rx.Component:
    return table_card(
        rx.hstack(
            rx.icon("bell-ring", size=18, color="var(--amber-11)"),
            rx.heading("Low-stock alerts", size="4"),
            rx.badge(S.low.length(), color_scheme="amber", radius="full"),
            spacing="2",
            align="center",
        ),
        rx.cond(
            S.low.length() > 0,
            scroll_table(["SKU", "Product", "Available", "Alert at"], rx.foreach(S.low, _low_row)),
            rx.cond(
                S.loading,
                rx.center(rx.spinner(size="3"), padding_y="32px", width="100%"),
                empty_state(
                    "party-popper",
                    "All stocked up",
                    "No active product is at or below its threshold.",
                ),
            ),
        ),
        id="low-stock",
    )


@admin_page(
    route="/admin/inventory",
    title="Inventory",
    permission=Perm.INVENTORY_MANAGE,
    on_load=InventoryState.load,
    description="Every change is a ledger movement: deliveries, count corrections, returns.",
)
def inventory_page() -> rx.Component:
    return rx.vstack(_search(), _detail(), _alerts(), spacing="5", width="100%")
