"""Collections: manual lists (pick products by search) and rule-based sets with a rule
builder whose live preview follows every change to the rules."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any, ClassVar

import reflex as rx
from pydantic import ValidationError

from shop.components.media import media_src
from shop.state.services import read, write
from shop_admin.catalog_choices import flat_categories
from shop_admin.components.forms import (
    Choice,
    choice_select,
    error_summary,
    input_field,
    label,
    section,
    textarea_field,
)
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import empty_state, scroll_table, table_card, toolbar
from shop_admin.errors import explain
from shop_admin.formatting import fmt_money, money_text, parse_money
from shop_admin.guard import admin_event
from shop_admin.pages.products import price_range
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.catalog import collections, queries
from shop_core.catalog.collections import CollectionIn, CollectionOut
from shop_core.catalog.schemas import ProductSummary
from shop_core.errors import DomainError
from shop_core.pagination import MAX_PER_PAGE
from shop_core.settings import get_settings

# field → (label, [(op, label)]) — what `collections.Rule` accepts.
RULE_FIELDS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "tag": ("Tag", [("eq", "is")]),
    "category": ("Category", [("eq", "is in")]),
    "price": ("Price", [("gte", "is at least"), ("lte", "is at most")]),
    "title": ("Title", [("contains", "contains")]),
    "in_stock": ("Stock", [("eq", "is")]),
}
FIELD_CHOICES = [(f, lbl) for f, (lbl, _) in RULE_FIELDS.items()]
STOCK_CHOICES = [("true", "in stock"), ("false", "sold out")]
PREVIEW_SIZE = 12
SEARCH_SIZE = 8


def _key() -> str:
    return uuid.uuid4().hex[:10]


@dataclasses.dataclass
class RuleRow:
    key: str
    field: str = "tag"
    op: str = "eq"
    value: str = ""
    error: str = ""


@dataclasses.dataclass
class ProductPick:
    id: int
    title: str
    price: str
    status: str
    image: str


@dataclasses.dataclass
class CollectionRow:
    id: int
    title: str
    slug: str
    kind: str
    summary: str
    featured: bool
    count: int


def pick(summary: ProductSummary) -> ProductPick:
    return ProductPick(
        id=summary.id,
        title=summary.title,
        price=price_range(summary),
        status=summary.status,
        image=summary.image or "",
    )


def rule_text(rule: dict[str, Any], categories: dict[int, str], currency: str) -> str:
    field, op, value = rule.get("field"), rule.get("op"), rule.get("value")
    label_, ops = RULE_FIELDS.get(str(field), (str(field), []))
    op_label = dict(ops).get(str(op), str(op))
    if field == "category":
        value = categories.get(value, f"#{value}")
    elif field == "price" and isinstance(value, int):
        value = fmt_money(value, currency)
    elif field == "in_stock":
        value = "in stock" if value else "sold out"
    return f"{label_} {op_label} {value}"


def to_row(c: CollectionOut, categories: dict[int, str], currency: str) -> CollectionRow:
    if c.kind == "rule":
        joiner = " and " if c.match == "all" else " or "
        summary = joiner.join(rule_text(r, categories, currency) for r in c.rules)
    else:
        summary = "Hand-picked"
    return CollectionRow(
        id=c.id,
        title=c.title,
        slug=c.slug,
        kind=c.kind,
        summary=summary,
        featured=c.featured,
        count=c.product_count,
    )


def rule_value(row: RuleRow, currency: str) -> Any:
    """The typed value of a rule row; raises ValueError with a message for the row."""
    text = row.value.strip()
    if row.field == "price":
        amount = parse_money(text, currency)
        if amount is None:
            raise ValueError("Enter an amount.")
        return amount
    if row.field == "category":
        if not text.isdigit():
            raise ValueError("Pick a category.")
        return int(text)
    if row.field == "in_stock":
        return text != "false"
    if not text:
        raise ValueError("Enter some text.")
    return text


def _all_members(session, slug: str) -> list[ProductSummary]:
    filters = queries.ProductFilters(collection=slug, status=None)
    items: list[ProductSummary] = []
    page = 1
    while True:
        result = queries.list_products(
            session, filters, sort="title", page=page, per_page=MAX_PER_PAGE
        )
        items.extend(result.items)
        if page >= result.pages:
            return items
        page += 1


def _preview(session, rules: list[dict], match: str) -> tuple[int, list[ProductSummary]]:
    total, ids = collections.preview(session, rules=rules, match=match, limit=PREVIEW_SIZE)
    return total, queries.summaries(session, ids)


class CollectionsState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.CATALOG_MANAGE

    rows: list[CollectionRow] = []
    loading: bool = False
    can_manage: bool = False
    currency: str = get_settings().currency
    category_choices: list[Choice] = []

    # The editor: mode "" (closed), "create" or "edit".
    mode: str = ""
    edit_id: int = 0
    title: str = ""
    slug: str = ""
    description: str = ""
    kind: str = "manual"
    match: str = "all"
    featured: bool = False
    rules: list[RuleRow] = []
    chosen: list[ProductPick] = []
    search_text: str = ""
    search_results: list[ProductPick] = []
    searching: bool = False
    preview_total: int = 0
    preview_items: list[ProductPick] = []
    previewing: bool = False
    errors: dict[str, str] = {}
    messages: list[str] = []
    saving: bool = False
    confirm_id: int = 0
    confirm_title: str = ""

    @rx.var
    def chosen_ids(self) -> list[int]:
        return [p.id for p in self.chosen]

    async def _fetch(self) -> None:
        cats = await read(flat_categories)
        names = {c.id: c.trail for c in cats}
        self.category_choices = [
            Choice(value=str(c.id), label=("· " * c.depth) + c.name) for c in cats
        ]
        found = await read(collections.list_collections)
        self.rows = [to_row(c, names, self.currency) for c in found]

    @rx.event
    @admin_event(Perm.CATALOG_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        self.mode, self.confirm_id = "", 0
        yield
        self.can_manage = actor.can(Perm.CATALOG_MANAGE)
        await self._fetch()
        self.loading = False

    # --- the editor ---------------------------------------------------------------------------

    def _reset(self) -> None:
        self.edit_id, self.title, self.slug, self.description = 0, "", "", ""
        self.kind, self.match, self.featured = "manual", "all", False
        self.rules, self.chosen = [], []
        self.search_text, self.search_results = "", []
        self.preview_total, self.preview_items = 0, []
        self.errors, self.messages = {}, []

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def start_create(self, actor: UserView):
        self._reset()
        self.mode = "create"

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def start_edit(self, actor: UserView, collection_id: int):
        found = await read(collections.list_collections)
        target = next((c for c in found if c.id == int(collection_id)), None)
        if target is None:
            await self._fetch()
            yield rx.toast.error("That collection is gone; the list was refreshed.")
            return
        self._reset()
        self.mode, self.edit_id = "edit", target.id
        self.title, self.slug, self.description = target.title, target.slug, target.description
        self.kind, self.match, self.featured = target.kind, target.match, target.featured
        self.rules = [
            RuleRow(
                key=_key(),
                field=str(r.get("field")),
                op=str(r.get("op")),
                value=money_text(r.get("value"), self.currency)
                if r.get("field") == "price"
                else (
                    "true"
                    if r.get("value") is True
                    else "false"
                    if r.get("value") is False
                    else str(r.get("value", ""))
                ),
            )
            for r in target.rules
        ]
        if target.kind == "manual":
            members = await read(lambda s: _all_members(s, target.slug))
            self.chosen = [pick(m) for m in members]
        yield
        await self._refresh_preview()

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def close(self, actor: UserView):
        self.mode = ""

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def set_field(self, actor: UserView, field: str, value: Any):
        if field in ("title", "slug", "description"):
            setattr(self, field, str(value)[:5000])
        elif field == "featured":
            self.featured = bool(value)
        elif field in ("kind", "match"):
            allowed = ("manual", "rule") if field == "kind" else ("all", "any")
            if value in allowed:
                setattr(self, field, value)
            if self.kind == "rule" and not self.rules:
                self.rules = [RuleRow(key=_key())]
            await self._refresh_preview()
        self.errors = {k: v for k, v in self.errors.items() if k != field}

    # --- rules and their live preview ----------------------------------------------------------

    async def _refresh_preview(self) -> None:
        if self.kind != "rule":
            return
        typed: list[dict[str, Any]] = []
        rows = []
        for row in self.rules:
            try:
                typed.append(
                    {"field": row.field, "op": row.op, "value": rule_value(row, self.currency)}
                )
                rows.append(dataclasses.replace(row, error=""))
            except ValueError as exc:
                # Untouched rows stay quiet; a half-typed one says what it needs.
                rows.append(dataclasses.replace(row, error=str(exc) if row.value.strip() else ""))
        self.rules = rows
        if not typed:
            self.preview_total, self.preview_items = 0, []
            return
        match = self.match
        try:
            total, items = await read(lambda s: _preview(s, typed, match))
        except (ValidationError, DomainError):
            self.preview_total, self.preview_items = 0, []
            return
        self.preview_total, self.preview_items = total, [pick(i) for i in items]

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def add_rule(self, actor: UserView):
        if len(self.rules) >= 20:
            return rx.toast.info("Up to 20 rules.")
        self.rules = [*self.rules, RuleRow(key=_key())]
        self.errors = {k: v for k, v in self.errors.items() if k != "rules"}
        return None

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def remove_rule(self, actor: UserView, key: str):
        self.rules = [r for r in self.rules if r.key != key]
        await self._refresh_preview()

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def set_rule(self, actor: UserView, key: str, part: str, value: str):
        updated = []
        for row in self.rules:
            if row.key == key:
                if part == "field" and value in RULE_FIELDS:
                    default_value = {"in_stock": "true", "category": ""}.get(value, "")
                    row = dataclasses.replace(
                        row, field=value, op=RULE_FIELDS[value][1][0][0], value=default_value
                    )
                elif part == "op" and value in dict(RULE_FIELDS[row.field][1]):
                    row = dataclasses.replace(row, op=value)
                elif part == "value":
                    row = dataclasses.replace(row, value=str(value)[:200])
            updated.append(row)
        self.rules = updated
        await self._refresh_preview()

    # --- manual picks ---------------------------------------------------------------------------

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def search_products(self, actor: UserView, form_data: dict):
        text = str(form_data.get("q", "")).strip()[:200]
        self.search_text = text
        self.searching = True
        yield
        filters = queries.ProductFilters(q=text or None, status=None)
        try:
            found = await read(
                lambda s: queries.list_products(
                    s, filters, sort="title" if not text else None, page=1, per_page=SEARCH_SIZE
                )
            )
        except DomainError as exc:
            self.searching = False
            yield rx.toast.error(exc.message)
            return
        self.search_results = [pick(i) for i in found.items]
        self.searching = False

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def add_product(self, actor: UserView, product_id: int):
        if any(p.id == int(product_id) for p in self.chosen):
            return
        found = next((p for p in self.search_results if p.id == int(product_id)), None)
        if found is not None:
            self.chosen = [*self.chosen, found]
            self.errors = {k: v for k, v in self.errors.items() if k != "product_ids"}

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def remove_product(self, actor: UserView, product_id: int):
        self.chosen = [p for p in self.chosen if p.id != int(product_id)]

    # --- saving and deleting --------------------------------------------------------------------

    def _payload(self) -> dict[str, Any]:
        rules = []
        errors: dict[str, str] = {}
        for i, row in enumerate(self.rules if self.kind == "rule" else []):
            try:
                rules.append(
                    {"field": row.field, "op": row.op, "value": rule_value(row, self.currency)}
                )
            except ValueError as exc:
                errors[f"rules.{i}"] = str(exc)
        if errors:
            raise _RowErrors(errors)
        return {
            "title": self.title,
            "slug": self.slug.strip() or None,
            "description": self.description,
            "kind": self.kind,
            "match": self.match,
            "rules": rules,
            "product_ids": [p.id for p in self.chosen] if self.kind == "manual" else [],
            "featured": self.featured,
        }

    def _show_errors(self, fields: dict[str, str]) -> None:
        by_rule: dict[int, str] = {}
        top: dict[str, str] = {}
        rest: list[str] = []
        for key, message in fields.items():
            parts = key.split(".")
            if parts[0] == "rules" and len(parts) > 1 and parts[1].isdigit():
                by_rule[int(parts[1])] = message
            elif parts[0] in ("title", "slug", "description", "product_ids", "rules"):
                top[parts[0]] = message
            else:
                rest.append(message)
        self.errors, self.messages = top, rest
        self.rules = [
            dataclasses.replace(r, error=by_rule.get(i, "")) for i, r in enumerate(self.rules)
        ]

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def save(self, actor: UserView):
        self.saving = True
        yield
        edit_id = self.edit_id or None
        try:
            data = CollectionIn.model_validate(self._payload())
            saved = await write(lambda s: collections.save_collection(s, data, edit_id))
        except _RowErrors as exc:
            self._show_errors(exc.fields)
            self.saving = False
            yield rx.toast.error("Some rules are incomplete.")
            return
        except (ValidationError, DomainError) as exc:
            message, fields = explain(exc, root="rules")
            self._show_errors(fields)
            self.saving = False
            yield rx.toast.error(message)
            return
        self.saving = False
        self.mode = ""
        await self._fetch()
        noun = "product" if saved.product_count == 1 else "products"
        yield rx.toast.success(f"“{saved.title}” is saved with {saved.product_count} {noun}.")

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def ask_delete(self, actor: UserView, collection_id: int, title: str):
        self.confirm_id, self.confirm_title = int(collection_id), title

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def cancel_delete(self, actor: UserView):
        self.confirm_id = 0

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def delete(self, actor: UserView, collection_id: int):
        self.confirm_id = 0
        try:
            await write(lambda s: collections.delete_collection(s, int(collection_id)))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        if self.edit_id == int(collection_id):
            self.mode = ""
        await self._fetch()
        return rx.toast.success("The collection is deleted.")


class _RowErrors(Exception):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("rule rows are incomplete")
        self.fields = fields


S = CollectionsState


# --- components ---------------------------------------------------------------------------------


def _thumb(p: ProductPick, size: str = "36px") -> rx.Component:
    return rx.cond(
        p.image != "",
        rx.image(
            src=media_src(p.image),
            alt="",
            width=size,
            height=size,
            object_fit="cover",
            border_radius="10px",
            flex_shrink="0",
        ),
        rx.center(
            rx.icon("image", size=14, color="var(--gray-9)"),
            width=size,
            height=size,
            border_radius="10px",
            background="var(--gray-3)",
            flex_shrink="0",
        ),
    )


def _product_line(p: ProductPick, action: rx.Component) -> rx.Component:
    return rx.hstack(
        _thumb(p),
        rx.vstack(
            rx.text(p.title, size="2", weight="medium", truncate=True, max_width="100%"),
            rx.text(p.price, " · ", p.status, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        action,
        spacing="2",
        align="center",
        width="100%",
        padding="6px 8px",
        border_radius="12px",
        _hover={"background": "var(--gray-a3)"},
    )


def _rule_value_input(row: RuleRow) -> rx.Component:
    value_id = "rule-value-" + row.key
    on_value = lambda v: S.set_rule(row.key, "value", v)  # noqa: E731
    return rx.match(
        row.field,
        (
            "category",
            choice_select(
                S.category_choices,
                value=row.value,
                on_change=on_value,
                label_text="Category",
                field_id=value_id,
                width="100%",
            ),
        ),
        (
            "in_stock",
            rx.select.root(
                rx.select.trigger(id=value_id, aria_label="Stock", width="100%"),
                rx.select.content(*[rx.select.item(t, value=v) for v, t in STOCK_CHOICES]),
                value=row.value,
                on_change=on_value,
                size="2",
            ),
        ),
        (
            "price",
            rx.input(
                id=value_id,
                value=row.value,
                on_change=on_value,
                placeholder="0.00",
                input_mode="decimal",
                aria_label="Amount in " + S.currency,
                size="2",
                width="100%",
            ),
        ),
        rx.input(
            id=value_id,
            value=row.value,
            on_change=on_value,
            placeholder=rx.cond(row.field == "tag", "summer", "linen"),
            aria_label=rx.cond(row.field == "tag", "Tag", "Text in the title"),
            size="2",
            width="100%",
        ),
    )


def _op_select(row: RuleRow) -> rx.Component:
    return rx.match(
        row.field,
        *[
            (
                field,
                rx.select.root(
                    rx.select.trigger(aria_label="Condition", width="100%"),
                    rx.select.content(*[rx.select.item(t, value=op) for op, t in ops]),
                    value=row.op,
                    on_change=lambda v: S.set_rule(row.key, "op", v),
                    size="2",
                ),
            )
            for field, (_, ops) in RULE_FIELDS.items()
        ],
        rx.fragment(),
    )


def _rule(row: RuleRow, index) -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.select.root(
                rx.select.trigger(aria_label="Rule field", width="100%"),
                rx.select.content(*[rx.select.item(t, value=f) for f, t in FIELD_CHOICES]),
                value=row.field,
                on_change=lambda v: S.set_rule(row.key, "field", v),
                size="2",
            ),
            _op_select(row),
            _rule_value_input(row),
            rx.icon_button(
                rx.icon("x", size=16),
                variant="ghost",
                color_scheme="red",
                aria_label="Remove rule " + (index + 1).to_string(),
                on_click=S.remove_rule(row.key),
                cursor="pointer",
            ),
            grid_template_columns=[
                "1fr 1fr",
                "1fr 1fr",
                "minmax(0,1fr) minmax(0,1fr) minmax(0,1.4fr) 32px",
            ],
            gap="8px",
            align_items="center",
            width="100%",
        ),
        rx.cond(row.error != "", rx.text(row.error, role="alert", size="1", color_scheme="red")),
        spacing="1",
        width="100%",
        padding="10px",
        border_radius="14px",
        background="var(--gray-a2)",
    )


def _rule_builder() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Products must match", size="2"),
            rx.select.root(
                rx.select.trigger(aria_label="Match all or any rule", width="100px"),
                rx.select.content(
                    rx.select.item("all", value="all"), rx.select.item("any", value="any")
                ),
                value=S.match,
                on_change=lambda v: S.set_field("match", v),
                size="2",
            ),
            rx.text("of these rules:", size="2"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.foreach(S.rules, _rule),
        rx.cond(
            S.errors.contains("rules"),
            rx.text(S.errors["rules"], role="alert", size="2", color_scheme="red"),
        ),
        rx.button(
            rx.icon("plus", size=16),
            "Add a rule",
            variant="soft",
            on_click=S.add_rule,
            cursor="pointer",
            id="add-rule",
        ),
        spacing="3",
        width="100%",
        id="rule-builder",
    )


def _picker() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=16)),
                    name="q",
                    type="search",
                    placeholder="Find products to add",
                    aria_label="Find products to add",
                    default_value=S.search_text,
                    size="2",
                    flex="1",
                ),
                rx.button(
                    "Search", type="submit", variant="soft", loading=S.searching, cursor="pointer"
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.search_products,
            reset_on_submit=False,
            role="search",
            width="100%",
        ),
        rx.cond(
            S.search_results.length() > 0,
            rx.vstack(
                rx.foreach(
                    S.search_results,
                    lambda p: _product_line(
                        p,
                        rx.cond(
                            S.chosen_ids.contains(p.id),
                            rx.badge(
                                rx.icon("check", size=12),
                                "added",
                                color_scheme="green",
                                variant="soft",
                            ),
                            rx.button(
                                rx.icon("plus", size=14),
                                "Add",
                                size="1",
                                variant="soft",
                                on_click=S.add_product(p.id),
                                aria_label="Add " + p.title,
                                cursor="pointer",
                            ),
                        ),
                    ),
                ),
                spacing="0",
                width="100%",
                border="1px solid var(--gray-a4)",
                border_radius="14px",
                padding="4px",
            ),
        ),
        rx.cond(
            S.errors.contains("product_ids"),
            rx.text(S.errors["product_ids"], role="alert", size="2", color_scheme="red"),
        ),
        spacing="3",
        width="100%",
    )


def _members() -> rx.Component:
    """The right-hand column: the live preview (rules) or the picked products (manual)."""
    return rx.cond(
        S.kind == "rule",
        rx.vstack(
            rx.hstack(
                rx.icon("sparkles", size=16, color="var(--accent-11)"),
                rx.text(
                    rx.text.strong(S.preview_total),
                    rx.cond(S.preview_total == 1, " product matches", " products match"),
                    size="2",
                ),
                spacing="2",
                align="center",
                role="status",
                aria_live="polite",
                id="preview-count",
            ),
            rx.cond(
                S.preview_items.length() > 0,
                rx.vstack(
                    rx.foreach(S.preview_items, lambda p: _product_line(p, rx.fragment())),
                    rx.cond(
                        S.preview_total > S.preview_items.length(),
                        rx.text(
                            "…and ",
                            S.preview_total - S.preview_items.length(),
                            " more",
                            size="1",
                            color_scheme="gray",
                        ),
                    ),
                    spacing="0",
                    width="100%",
                    id="preview-list",
                ),
                rx.text(
                    "Add a complete rule to see which products match.",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            rx.text(rx.text.strong(S.chosen.length()), " picked", size="2"),
            rx.cond(
                S.chosen.length() > 0,
                rx.vstack(
                    rx.foreach(
                        S.chosen,
                        lambda p: _product_line(
                            p,
                            rx.icon_button(
                                rx.icon("x", size=14),
                                size="1",
                                variant="ghost",
                                color_scheme="red",
                                aria_label="Remove " + p.title,
                                on_click=S.remove_product(p.id),
                                cursor="pointer",
                            ),
                        ),
                    ),
                    spacing="0",
                    width="100%",
                    id="chosen-list",
                ),
                rx.text("Search on the left and add products.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
    )


def _editor() -> rx.Component:
    return section(
        rx.cond(S.mode == "create", "New collection", "Edit collection"),
        "library-big",
        rx.grid(
            rx.vstack(
                input_field(
                    "collection-title",
                    "Title",
                    value=S.title,
                    on_change=lambda v: S.set_field("title", v),
                    errors=S.errors,
                    key="title",
                    max_length=200,
                ),
                input_field(
                    "collection-slug",
                    "Web address",
                    value=S.slug,
                    on_change=lambda v: S.set_field("slug", v),
                    errors=S.errors,
                    key="slug",
                    optional=True,
                    hint="Leave empty to make one from the title.",
                    max_length=220,
                ),
                textarea_field(
                    "collection-description",
                    "Description",
                    value=S.description,
                    on_change=lambda v: S.set_field("description", v),
                    errors=S.errors,
                    key="description",
                    optional=True,
                    rows="3",
                ),
                rx.hstack(
                    rx.switch(
                        checked=S.featured,
                        on_change=lambda v: S.set_field("featured", v),
                        id="collection-featured",
                    ),
                    label("Feature on the home page", "collection-featured"),
                    spacing="2",
                    align="center",
                ),
                rx.vstack(
                    rx.text(
                        "How are products chosen?",
                        size="2",
                        weight="medium",
                        id="collection-kind-label",
                    ),
                    rx.segmented_control.root(
                        rx.segmented_control.item("By hand", value="manual"),
                        rx.segmented_control.item("By rules", value="rule"),
                        value=S.kind,
                        on_change=lambda v: S.set_field("kind", v),
                        aria_labelledby="collection-kind-label",
                        width="100%",
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.cond(S.kind == "rule", _rule_builder(), _picker()),
                spacing="4",
                width="100%",
                min_width="0",
            ),
            rx.box(
                rx.heading(
                    rx.cond(S.kind == "rule", "Live preview", "In this collection"),
                    size="3",
                    margin_bottom="8px",
                ),
                _members(),
                padding="16px",
                border_radius="16px",
                background="var(--accent-2)",
                border="1px solid var(--accent-a4)",
                width="100%",
                min_width="0",
            ),
            grid_template_columns=[
                "minmax(0,1fr)",
                "minmax(0,1fr)",
                "minmax(0,1fr)",
                "minmax(0,3fr) minmax(0,2fr)",
            ],
            gap="16px",
            width="100%",
        ),
        error_summary(S.messages, "Not saved"),
        rx.flex(
            rx.button(
                "Cancel", variant="soft", color_scheme="gray", on_click=S.close, cursor="pointer"
            ),
            rx.button(
                rx.icon("save", size=16),
                "Save collection",
                on_click=S.save,
                loading=S.saving,
                cursor="pointer",
                id="save-collection",
            ),
            spacing="3",
            justify="end",
            width="100%",
        ),
        id="collection-editor",
    )


def _row(row: CollectionRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.text(row.title, weight="medium", size="2"),
                    rx.cond(
                        row.featured,
                        rx.icon("star", size=14, color="var(--amber-9)", aria_label="Featured"),
                    ),
                    spacing="1",
                    align="center",
                ),
                rx.text("/" + row.slug, size="1", color_scheme="gray"),
                spacing="0",
            ),
            min_width="180px",
        ),
        rx.table.cell(
            rx.cond(
                row.kind == "rule",
                rx.badge(
                    rx.icon("wand-sparkles", size=12), "rules", color_scheme="violet", radius="full"
                ),
                rx.badge(rx.icon("hand", size=12), "manual", color_scheme="cyan", radius="full"),
            )
        ),
        rx.table.cell(rx.text(row.summary, size="2", color_scheme="gray", max_width="320px")),
        rx.table.cell(rx.text(row.count, size="2")),
        rx.table.cell(
            rx.cond(
                S.can_manage,
                rx.hstack(
                    rx.icon_button(
                        rx.icon("pencil", size=14),
                        size="1",
                        variant="soft",
                        aria_label="Edit " + row.title,
                        on_click=S.start_edit(row.id),
                        cursor="pointer",
                    ),
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        aria_label="Delete " + row.title,
                        on_click=S.ask_delete(row.id, row.title),
                        cursor="pointer",
                    ),
                    spacing="2",
                ),
            )
        ),
        align="center",
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete “", S.confirm_title, "”?"),
            rx.alert_dialog.description("The products stay; only the collection goes."),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep it", variant="soft", color_scheme="gray", on_click=S.cancel_delete
                    )
                ),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=S.delete(S.confirm_id))
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=S.confirm_id != 0,
    )


@admin_page(
    route="/admin/collections",
    title="Collections",
    permission=Perm.CATALOG_VIEW,
    on_load=CollectionsState.load,
    description="Curated shelves: pick products by hand, or let rules keep them up to date.",
)
def collections_page() -> rx.Component:
    return rx.vstack(
        rx.cond(S.mode != "", _editor()),
        table_card(
            toolbar(
                rx.heading("All collections", size="4"),
                rx.cond(
                    S.can_manage & (S.mode == ""),
                    rx.button(
                        rx.icon("plus", size=16),
                        "New collection",
                        on_click=S.start_create,
                        cursor="pointer",
                        id="new-collection",
                    ),
                ),
            ),
            rx.cond(
                S.rows.length() > 0,
                scroll_table(
                    ["Collection", "Kind", "Products chosen by", "Products", ""],
                    rx.foreach(S.rows, _row),
                ),
                rx.cond(
                    S.loading,
                    rx.center(rx.spinner(size="3"), padding_y="40px", width="100%"),
                    empty_state(
                        "library-big",
                        "No collections yet",
                        "Group products into collections such as Summer picks.",
                    ),
                ),
            ),
        ),
        _delete_dialog(),
        spacing="5",
        width="100%",
    )
