"""Products: search, filter by status and category, page through; CSV import/export."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from shop.components.media import media_src
from shop.state.services import read
from shop_admin.catalog_choices import flat_categories
from shop_admin.components.forms import Choice, choice_select
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import (
    filter_select,
    paged_table,
    search_form,
    status_badge,
    toolbar,
)
from shop_admin.formatting import fmt_money
from shop_admin.guard import admin_event
from shop_admin.pages.catalog_csv import CatalogCsvState, csv_buttons, csv_progress
from shop_admin.paging import PagedListState
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.catalog import queries
from shop_core.catalog.schemas import ProductSummary
from shop_core.errors import DomainError

STATUS_COLORS = {"active": "green", "draft": "amber", "archived": "gray"}
STATUS_FILTERS = [
    ("all", "All statuses"),
    ("active", "Active"),
    ("draft", "Draft"),
    ("archived", "Archived"),
]
ALL_CATEGORIES = Choice(value="all", label="All categories")


@dataclasses.dataclass
class ProductRow:
    id: int
    title: str
    slug: str
    status: str
    price: str
    on_sale: bool
    image: str
    in_stock: bool
    href: str


def price_range(summary: ProductSummary) -> str:
    low = fmt_money(summary.price_min, summary.currency)
    if summary.price_max == summary.price_min:
        return low
    return f"{low} – {fmt_money(summary.price_max, summary.currency)}"


def to_row(summary: ProductSummary) -> ProductRow:
    return ProductRow(
        id=summary.id,
        title=summary.title,
        slug=summary.slug,
        status=summary.status,
        price=price_range(summary),
        on_sale=summary.compare_at_price is not None,
        image=summary.image or "",
        in_stock=summary.in_stock,
        href=f"/admin/products/{summary.id}",
    )


class ProductsState(PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.CATALOG_VIEW

    rows: list[ProductRow] = []
    query: str = ""
    status_filter: str = "all"
    category_filter: str = "all"
    category_choices: list[Choice] = [ALL_CATEGORIES]
    can_manage: bool = False

    async def _fetch(self) -> None:
        filters = queries.ProductFilters(
            q=self.query or None,
            status=None if self.status_filter == "all" else self.status_filter,
            category=None if self.category_filter == "all" else self.category_filter,
        )
        items = await self._load_page(
            lambda s, page, per_page: queries.list_products(
                s, filters, sort="newest", page=page, per_page=per_page
            )
        )
        self.rows = [to_row(v) for v in items]

    async def _refetch(self):
        try:
            await self._fetch()
        except DomainError as exc:  # e.g. a category deleted in another tab
            self.category_filter = "all"
            await self._fetch()
            return rx.toast.error(exc.message)

    @rx.event
    @admin_event(Perm.CATALOG_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        self.can_manage = actor.can(Perm.CATALOG_MANAGE)
        categories = await read(flat_categories)
        self.category_choices = [ALL_CATEGORIES] + [
            Choice(value=c.slug, label=("· " * c.depth) + c.name) for c in categories
        ]
        if self.category_filter not in {c.value for c in self.category_choices}:
            self.category_filter = "all"
        yield await self._refetch()
        self.loading = False

    @rx.event
    @admin_event(Perm.CATALOG_VIEW)
    async def search(self, actor: UserView, form_data: dict):
        self.query = str(form_data.get("q", "")).strip()[:200]
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.CATALOG_VIEW)
    async def set_status_filter(self, actor: UserView, value: str):
        self.status_filter = value if value in STATUS_COLORS else "all"
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.CATALOG_VIEW)
    async def set_category_filter(self, actor: UserView, value: str):
        known = {c.value for c in self.category_choices}
        self.category_filter = value if value in known else "all"
        self.page = 1
        return await self._refetch()


def _thumb(row: ProductRow) -> rx.Component:
    return rx.cond(
        row.image != "",
        rx.image(
            src=media_src(row.image),
            alt="",
            width="44px",
            height="44px",
            object_fit="cover",
            border_radius="12px",
            flex_shrink="0",
            loading="lazy",
        ),
        rx.center(
            rx.icon("image", size=18, color="var(--gray-9)"),
            width="44px",
            height="44px",
            border_radius="12px",
            background="var(--gray-3)",
            flex_shrink="0",
        ),
    )


def _row(row: ProductRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                rx.hstack(
                    _thumb(row),
                    rx.vstack(
                        rx.text(row.title, weight="medium", size="2", color="var(--gray-12)"),
                        rx.text(
                            "/" + row.slug,
                            size="1",
                            color_scheme="gray",
                            display=["none", "block"],
                        ),
                        spacing="0",
                        min_width="0",
                    ),
                    spacing="3",
                    align="center",
                ),
                href=row.href,
                underline="none",
                aria_label="Edit " + row.title,
            ),
            min_width="220px",
        ),
        rx.table.cell(status_badge(row.status, STATUS_COLORS)),
        rx.table.cell(
            rx.hstack(
                rx.text(row.price, size="2", white_space="nowrap"),
                rx.cond(row.on_sale, rx.badge("sale", color_scheme="pink", radius="full")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(
            rx.cond(
                row.in_stock,
                rx.badge(
                    rx.icon("check", size=12), "In stock", color_scheme="green", variant="soft"
                ),
                rx.badge("Sold out", color_scheme="red", variant="soft"),
            )
        ),
        rx.table.cell(
            rx.link(
                rx.button(
                    rx.icon("pencil", size=14), "Edit", size="1", variant="soft", cursor="pointer"
                ),
                href=row.href,
                aria_label="Edit " + row.title,
                tab_index=-1,
            )
        ),
        align="center",
    )


def _actions() -> rx.Component:
    return rx.cond(
        ProductsState.can_manage,
        rx.flex(
            rx.link(
                rx.button(rx.icon("plus", size=18), "New product", size="3", cursor="pointer"),
                href="/admin/products/new",
                underline="none",
            ),
            csv_buttons(),
            gap="8px",
            wrap="wrap",
            align="center",
        ),
    )


@admin_page(
    route="/admin/products",
    title="Products",
    permission=Perm.CATALOG_VIEW,
    on_load=[ProductsState.load, CatalogCsvState.resume],
    description="Everything you sell: drafts, live products and the archive.",
)
def products_page() -> rx.Component:
    return rx.vstack(
        _actions(),
        csv_progress(),
        paged_table(
            ProductsState,
            top=toolbar(
                search_form(
                    name="q",
                    label="Search products by title, SKU or tag",
                    placeholder="Search title, SKU, tag",
                    value=ProductsState.query,
                    on_submit=ProductsState.search,
                ),
                rx.flex(
                    filter_select(
                        STATUS_FILTERS,
                        value=ProductsState.status_filter,
                        on_change=ProductsState.set_status_filter,
                        label="Filter by status",
                        width="150px",
                    ),
                    choice_select(
                        ProductsState.category_choices,
                        value=ProductsState.category_filter,
                        on_change=ProductsState.set_category_filter,
                        label_text="Filter by category",
                        width="190px",
                    ),
                    gap="8px",
                    wrap="wrap",
                ),
            ),
            header=["Product", "Status", "Price", "Stock", ""],
            row=_row,
            empty=(
                "package",
                "No products here",
                "Try another search or filter, or add a product.",
            ),
            noun=("product", "products"),
            id="products-table",
        ),
        spacing="5",
        width="100%",
    )
