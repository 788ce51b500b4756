"""One product form for /admin/products/new and /admin/products/<id>.

The state holds what the admin types (prices as decimal text); `save` turns it into a
`ProductIn` (create) or a full `ProductPatch` (update) with integer minor units, and
maps every validation message back onto the input it belongs to.

Option axes (Size, Colour, ...) generate the variant rows: changing an axis keeps what
was typed into the rows whose option values survive, matched by the axis (not its
name, so renaming "Colour" to "Color" loses nothing).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import uuid
from typing import Any, ClassVar

import reflex as rx
from pydantic import ValidationError
from slugify import slugify

from shop.components.media import media_src
from shop.state.services import read, write
from shop_admin.catalog_choices import FlatCategory, flat_categories
from shop_admin.components.forms import (
    Choice,
    error_summary,
    input_field,
    invalid_look,
    section,
    select_field,
    textarea_field,
)
from shop_admin.components.layout import admin_page, loading_missing_or
from shop_admin.errors import explain
from shop_admin.formatting import money_text, parse_count, parse_money
from shop_admin.guard import admin_event
from shop_admin.pages.products import STATUS_COLORS
from shop_core import media
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.catalog import products, queries
from shop_core.catalog.schemas import ProductDetail, ProductIn, ProductPatch
from shop_core.errors import DomainError
from shop_core.settings import get_settings

STATUS_CHOICES = [
    ("draft", "Draft: hidden from the shop"),
    ("active", "Active: on sale"),
    ("archived", "Archived: hidden, kept for orders"),
]
TEXT_FIELDS = {"title", "slug", "description", "status", "tags", "seo_title", "seo_description"}
MAX_IMAGES = 30
MAX_AXES = 3
MAX_VARIANTS = 100
UPLOAD_ID = "product-images"
NO_VARIANT = "all"  # Radix selects cannot hold an empty value

# (row attribute, label, schema field)
VARIANT_FIELDS = [
    ("sku", "SKU", "sku"),
    ("price", "Price", "price"),
    ("compare_at", "Compare-at", "compare_at_price"),
    ("cost", "Cost", "cost_price"),
    ("barcode", "Barcode", "barcode"),
    ("weight", "Weight (g)", "weight_grams"),
]
SCHEMA_TO_ROW = {schema: attr for attr, _, schema in VARIANT_FIELDS} | {"stock": "stock"}


def _key() -> str:
    return uuid.uuid4().hex[:10]


@dataclasses.dataclass
class OptionAxis:
    key: str
    name: str
    value_text: str  # comma-separated, as typed

    def value_list(self) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in self.value_text.split(",") if v.strip()))


@dataclasses.dataclass
class VariantRow:
    key: str
    id: int = 0  # 0: not saved yet
    combo: dict[str, str] = dataclasses.field(default_factory=dict)  # axis key → value
    label: str = "Default"
    sku: str = ""
    price: str = ""
    compare_at: str = ""
    cost: str = ""
    barcode: str = ""
    weight: str = ""
    stock: str = "0"  # opening stock of a new variant
    available: int = 0  # current stock of a saved one
    errors: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ImageRow:
    key: str
    url: str
    alt: str = ""
    variant_sku: str = NO_VARIANT
    errors: dict[str, str] = dataclasses.field(default_factory=dict)


def sku_base(title: str) -> str:
    return (slugify(title, max_length=20, word_boundary=True) or "sku").upper()


def suggest_sku(title: str, values: list[str]) -> str:
    parts = [sku_base(title), *[slugify(v, max_length=10).upper() for v in values if v]]
    return "-".join(p for p in parts if p)[:64]


def build_rows(axes: list[OptionAxis], old: list[VariantRow], title: str) -> list[VariantRow]:
    """The rows for every combination of the axes' values, reusing what `old` holds.

    An old row is reused by the first combination that agrees with it on every axis both
    know; later combinations that agree get a copy of its prices but no id or SKU.
    """
    usable = [(a.key, a.value_list()) for a in axes if a.value_list()]
    combos: list[dict[str, str]] = (
        [
            dict(zip([k for k, _ in usable], values, strict=True))
            for values in itertools.product(*[v for _, v in usable])
        ]
        if usable
        else [{}]
    )
    rows: list[VariantRow] = []
    claimed: set[str] = set()
    for combo in combos[:MAX_VARIANTS]:
        agreeing = [
            r
            for r in old
            if all(r.combo[k] == v for k, v in combo.items() if k in r.combo)
            and all(combo[k] == v for k, v in r.combo.items() if k in combo)
        ]
        free = next((r for r in agreeing if r.key not in claimed), None)
        label_ = " / ".join(combo.values()) or "Default"
        if free is not None:
            claimed.add(free.key)
            rows.append(dataclasses.replace(free, combo=combo, label=label_, errors={}))
            continue
        row = VariantRow(
            key=_key(), combo=combo, label=label_, sku=suggest_sku(title, list(combo.values()))
        )
        if agreeing:  # a new combination of a known one: start from its prices
            model = agreeing[0]
            row.price, row.compare_at, row.cost = model.price, model.compare_at, model.cost
            row.weight = model.weight
        rows.append(row)
    return rows


def rows_from_detail(
    detail: ProductDetail,
) -> tuple[list[OptionAxis], list[VariantRow], list[ImageRow]]:
    axes = [
        OptionAxis(key=_key(), name=o.name, value_text=", ".join(o.values)) for o in detail.options
    ]
    by_name = {a.name: a.key for a in axes}
    rows = []
    for v in detail.variants:
        combo = {by_name[n]: val for n, val in v.option_values.items() if n in by_name}
        rows.append(
            VariantRow(
                key=_key(),
                id=v.id,
                combo=combo,
                label=" / ".join(v.option_values.values()) or "Default",
                sku=v.sku,
                price=money_text(v.price, detail.currency),
                compare_at=money_text(v.compare_at_price, detail.currency),
                cost=money_text(getattr(v, "cost_price", None), detail.currency),
                barcode=getattr(v, "barcode", None) or "",
                weight="" if getattr(v, "weight_grams", None) is None else str(v.weight_grams),
                stock="",
                available=v.available,
            )
        )
    skus = {v.id: v.sku for v in detail.variants}
    images = [
        ImageRow(
            key=_key(), url=i.url, alt=i.alt, variant_sku=skus.get(i.variant_id or 0, NO_VARIANT)
        )
        for i in detail.images
    ]
    return axes, rows, images


class ProductEditorState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.CATALOG_MANAGE

    editing_id: int = 0
    loading: bool = False
    missing: bool = False
    can_manage: bool = False
    currency: str = get_settings().currency
    saved_status: str = ""
    saved_slug: str = ""

    title: str = ""
    slug: str = ""
    description: str = ""
    status: str = "draft"
    tags: str = ""
    seo_title: str = ""
    seo_description: str = ""
    category_ids: list[int] = []
    categories: list[FlatCategory] = []
    axes: list[OptionAxis] = []
    variants: list[VariantRow] = [VariantRow(key="first")]
    images: list[ImageRow] = []

    errors: dict[str, str] = {}
    messages: list[str] = []
    saving: bool = False
    uploading: bool = False
    upload_percent: int = 0
    confirm_delete: bool = False
    deleting: bool = False

    @rx.var
    def is_new(self) -> bool:
        return self.editing_id == 0

    @rx.var
    def tag_list(self) -> list[str]:
        return list(dict.fromkeys(t.strip().lower() for t in self.tags.split(",") if t.strip()))

    @rx.var
    def variant_choices(self) -> list[Choice]:
        return [Choice(value=NO_VARIANT, label="All variants")] + [
            Choice(value=v.sku, label=f"{v.label} · {v.sku}") for v in self.variants if v.sku
        ]

    @rx.var
    def selected_categories(self) -> list[str]:
        chosen = set(self.category_ids)
        return [c.trail for c in self.categories if c.id in chosen]

    # --- loading --------------------------------------------------------------------------

    def _reset_form(self) -> None:
        self.editing_id, self.missing, self.saved_status, self.saved_slug = 0, False, "", ""
        self.title = self.slug = self.description = self.tags = ""
        self.seo_title = self.seo_description = ""
        self.status = "draft"
        self.category_ids, self.axes, self.images = [], [], []
        self.variants = [VariantRow(key=_key())]
        self.errors, self.messages = {}, []
        self.confirm_delete = self.saving = self.deleting = self.uploading = False
        self.currency = get_settings().currency

    def _fill(self, detail: ProductDetail) -> None:
        self.editing_id = detail.id
        self.currency = detail.currency
        self.title, self.slug, self.description = detail.title, detail.slug, detail.description
        self.status, self.saved_status, self.saved_slug = detail.status, detail.status, detail.slug
        self.tags = ", ".join(detail.tags)
        # The detail fills SEO gaps with the title/description: show only what was set.
        seo_title = detail.seo.title or ""
        seo_description = detail.seo.description or ""
        self.seo_title = "" if seo_title == detail.title else seo_title
        self.seo_description = (
            "" if seo_description == detail.description[:160] else seo_description
        )
        self.category_ids = [c.id for c in detail.categories]
        self.axes, self.variants, self.images = rows_from_detail(detail)

    def _route_id(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    @rx.event
    @admin_event(Perm.CATALOG_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        self._reset_form()
        self.can_manage = actor.can(Perm.CATALOG_MANAGE)
        yield
        self.categories = await read(flat_categories)
        ref = self._route_id()
        if ref != "new":
            try:
                product_id = int(ref)
                detail = await read(
                    lambda s: queries.product_detail(
                        s, product_id=product_id, include_unpublished=True, admin=True
                    )
                )
            except (ValueError, DomainError):
                self.missing = True
                self.loading = False
                return
            self._fill(detail)
        self.loading = False

    # --- typing -----------------------------------------------------------------------------

    def _clear(self, *keys: str) -> None:
        if any(k in self.errors for k in keys):
            self.errors = {k: v for k, v in self.errors.items() if k not in keys}

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def set_text(self, actor: UserView, field: str, value: str):
        if field not in TEXT_FIELDS:
            return
        setattr(self, field, str(value)[:20_000])
        self._clear(field, field.replace("seo_", "seo."))

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def toggle_category(self, actor: UserView, category_id: int, checked: bool):
        ids = [i for i in self.category_ids if i != int(category_id)]
        if checked:
            ids.append(int(category_id))
        self.category_ids = ids
        self._clear("category_ids")

    def _regenerate(self) -> None:
        self.variants = build_rows(self.axes, self.variants, self.title)

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def add_axis(self, actor: UserView):
        if len(self.axes) >= MAX_AXES:
            return rx.toast.info(f"Up to {MAX_AXES} options, like Size, Colour and Material.")
        suggestions = [
            n for n in ("Size", "Colour", "Material") if n not in {a.name for a in self.axes}
        ]
        self.axes = [
            *self.axes,
            OptionAxis(key=_key(), name=suggestions[0] if suggestions else "", value_text=""),
        ]
        return None

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def remove_axis(self, actor: UserView, key: str):
        self.axes = [a for a in self.axes if a.key != key]
        self._regenerate()

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def set_axis(self, actor: UserView, key: str, field: str, value: str):
        if field not in ("name", "value_text"):
            return
        self.axes = [
            dataclasses.replace(a, **{field: str(value)[:600]}) if a.key == key else a
            for a in self.axes
        ]
        self._clear("variants")
        if field == "value_text":
            self._regenerate()

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def set_variant(self, actor: UserView, key: str, field: str, value: str):
        if field not in {*(f for f, _, _ in VARIANT_FIELDS), "stock"}:
            return
        self.variants = [
            dataclasses.replace(
                r,
                **{field: str(value)[:64]},
                errors={k: v for k, v in r.errors.items() if k != field},
            )
            if r.key == key
            else r
            for r in self.variants
        ]

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def remove_variant(self, actor: UserView, key: str):
        if len(self.variants) <= 1:
            return rx.toast.info("A product needs at least one variant.")
        self.variants = [r for r in self.variants if r.key != key]
        return None

    # --- images -----------------------------------------------------------------------------

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def upload_progress(self, actor: UserView, progress: dict):
        fraction = float(progress.get("progress") or 0)
        self.uploading = fraction < 1
        self.upload_percent = int(fraction * 100)

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def upload_images(self, actor: UserView, files: list[rx.UploadFile]):
        room = MAX_IMAGES - len(self.images)
        stored, problems = [], []
        for upload in files[: max(room, 0)]:
            try:
                data = await asyncio.to_thread(upload.file.read, media.MAX_UPLOAD_BYTES + 1)
                image = await asyncio.to_thread(
                    media.store_product_image, data, upload.filename or "image"
                )
            except DomainError as exc:
                problems.append(exc.message)
                continue
            stored.append(ImageRow(key=_key(), url=image.url))
        self.images = [*self.images, *stored]
        self.uploading = False
        self._clear("images")
        events: list[Any] = []
        if stored:
            noun = "image" if len(stored) == 1 else "images"
            events.append(rx.toast.success(f"{len(stored)} {noun} added. Save to keep them."))
        if len(files) > room:
            events.append(rx.toast.error(f"A product can have at most {MAX_IMAGES} images."))
        events.extend(rx.toast.error(p) for p in problems)
        return events

    def _image_index(self, key: str) -> int:
        return next((i for i, img in enumerate(self.images) if img.key == key), -1)

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def move_image(self, actor: UserView, key: str, step: int):
        index = self._image_index(key)
        target = index + (1 if int(step) > 0 else -1)
        if index < 0 or not 0 <= target < len(self.images):
            return
        images = list(self.images)
        images[index], images[target] = images[target], images[index]
        self.images = images

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def remove_image(self, actor: UserView, key: str):
        self.images = [img for img in self.images if img.key != key]

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def set_image(self, actor: UserView, key: str, field: str, value: str):
        if field not in ("alt", "variant_sku"):
            return
        self.images = [
            dataclasses.replace(img, **{field: str(value)[:300]}, errors={})
            if img.key == key
            else img
            for img in self.images
        ]

    # --- saving -----------------------------------------------------------------------------

    def _variant_payload(self, errors: dict[str, str]) -> list[dict[str, Any]]:
        names = {a.key: a.name.strip() for a in self.axes}
        out = []
        for i, row in enumerate(self.variants):
            item: dict[str, Any] = {
                "sku": row.sku.strip(),
                "option_values": {names.get(k, ""): v for k, v in row.combo.items()},
                "barcode": row.barcode.strip() or None,
            }
            for attr, schema in (
                ("price", "price"),
                ("compare_at", "compare_at_price"),
                ("cost", "cost_price"),
            ):
                try:
                    item[schema] = parse_money(getattr(row, attr), self.currency)
                except ValueError as exc:
                    errors[f"variants.{i}.{schema}"] = str(exc)
            if item.get("price") is None and f"variants.{i}.price" not in errors:
                errors[f"variants.{i}.price"] = "Required."
            counts = [("weight", "weight_grams")] + ([] if row.id else [("stock", "stock")])
            for attr, schema in counts:
                try:
                    item[schema] = parse_count(getattr(row, attr))
                except ValueError as exc:
                    errors[f"variants.{i}.{schema}"] = str(exc)
            if row.id:
                item["id"] = row.id
            else:
                item["stock"] = item.get("stock") or 0
            out.append(item)
        return out

    def _payload(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        for i, axis in enumerate(self.axes):
            if axis.value_list() and not axis.name.strip():
                errors[f"axes.{i}.name"] = "Name this option, like Size."
        names = [a.name.strip().lower() for a in self.axes if a.value_list()]
        if len(set(names)) != len(names):
            errors["variants"] = "Two options have the same name."
        payload: dict[str, Any] = {
            "title": self.title,
            "slug": self.slug.strip() or None,
            "description": self.description,
            "status": self.status,
            "tags": [t.strip() for t in self.tags.split(",") if t.strip()],
            "seo": {
                "title": self.seo_title.strip() or None,
                "description": self.seo_description.strip() or None,
            },
            "category_ids": list(self.category_ids),
            "variants": self._variant_payload(errors),
            "images": [
                {
                    "url": img.url,
                    "alt": img.alt,
                    "variant_sku": None if img.variant_sku == NO_VARIANT else img.variant_sku,
                }
                for img in self.images
            ],
        }
        return payload, errors

    def _show_errors(self, fields: dict[str, str]) -> None:
        """Put each message next to its input; the rest go to the summary."""
        top: dict[str, str] = {}
        rows: dict[int, dict[str, str]] = {}
        pictures: dict[int, dict[str, str]] = {}
        leftovers: list[str] = []
        for key, message in fields.items():
            parts = key.split(".")
            if parts[0] == "variants" and len(parts) >= 3 and parts[1].isdigit():
                attr = SCHEMA_TO_ROW.get(parts[2])
                if attr:
                    rows.setdefault(int(parts[1]), {})[attr] = message
                else:
                    top["variants"] = f"Variant {int(parts[1]) + 1}: {message}"
            elif parts[0] == "images" and len(parts) >= 3 and parts[1].isdigit():
                pictures.setdefault(int(parts[1]), {})[parts[2]] = message
            elif parts[0] in ("tags", "category_ids", "variants", "images"):
                top[parts[0]] = message
            elif (
                key in ("title", "slug", "description", "status", "seo.title", "seo.description")
                or parts[0] == "axes"
            ):
                top[key] = message
            else:
                leftovers.append(message)
        self.errors = top
        self.variants = [
            dataclasses.replace(r, errors=rows.get(i, {})) for i, r in enumerate(self.variants)
        ]
        self.images = [
            dataclasses.replace(img, errors=pictures.get(i, {}))
            for i, img in enumerate(self.images)
        ]
        self.messages = leftovers

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def save(self, actor: UserView):
        self.saving = True
        yield
        payload, errors = self._payload()
        creating = self.editing_id == 0
        try:
            data = (ProductIn if creating else ProductPatch).model_validate(payload)
        except ValidationError as exc:
            _, fields = explain(exc, root="variants")
            errors = {**fields, **errors}
        if errors:
            self._show_errors(errors)
            self.saving = False
            count = len(errors)
            yield rx.toast.error(
                "1 field needs attention." if count == 1 else f"{count} fields need attention."
            )
            return
        product_id = self.editing_id
        try:
            if creating:
                product_id = await write(
                    lambda s: products.create_product(s, data, actor_id=actor.id)
                )
            else:
                await write(
                    lambda s: products.update_product(s, product_id, data, actor_id=actor.id)
                )
            detail = await read(
                lambda s: queries.product_detail(
                    s, product_id=product_id, include_unpublished=True, admin=True
                )
            )
        except DomainError as exc:
            message, fields = explain(exc)
            self._show_errors(fields)
            self.saving = False
            yield rx.toast.error(message)
            return
        self._show_errors({})
        self._fill(detail)
        self.saving = False
        if creating:
            yield rx.toast.success(f"“{detail.title}” is created as {detail.status}.")
            yield rx.redirect(f"/admin/products/{detail.id}")
        else:
            yield rx.toast.success(f"“{detail.title}” is saved.")

    # --- deleting ---------------------------------------------------------------------------

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def ask_delete(self, actor: UserView):
        self.confirm_delete = self.editing_id != 0

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def cancel_delete(self, actor: UserView):
        self.confirm_delete = False

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def delete(self, actor: UserView):
        product_id, title = self.editing_id, self.title
        self.confirm_delete = False
        if not product_id:
            return
        self.deleting = True
        yield
        try:
            outcome = await write(lambda s: products.delete_product(s, product_id))
        except DomainError as exc:
            self.deleting = False
            yield rx.toast.error(exc.message)
            return
        self.deleting = False
        if outcome == "archived":
            self.status = self.saved_status = "archived"
            yield rx.toast.warning(
                f"“{title}” has orders, so it was archived instead of deleted. "
                "It is hidden from the shop and kept for those orders."
            )
            return
        yield rx.toast.success(f"“{title}” is deleted.")
        yield rx.redirect("/admin/products")


# --- components -------------------------------------------------------------------------------

S = ProductEditorState


def _text(field: str, text: str, **props) -> rx.Component:
    return input_field(
        f"product-{field}",
        text,
        value=getattr(S, field),
        on_change=lambda v: S.set_text(field, v),
        errors=S.errors,
        key=field.replace("seo_", "seo."),
        **props,
    )


def _basics() -> rx.Component:
    return section(
        "Basics",
        "file-text",
        _text("title", "Title", placeholder="Cosy knit sweater", max_length=200),
        _text(
            "slug",
            "Web address",
            placeholder="cosy-knit-sweater",
            hint="Leave empty to make one from the title.",
            optional=True,
            max_length=220,
        ),
        textarea_field(
            "product-description",
            "Description",
            value=S.description,
            on_change=lambda v: S.set_text("description", v),
            errors=S.errors,
            key="description",
            rows="6",
            optional=True,
        ),
    )


def _status() -> rx.Component:
    return section(
        "Visibility",
        "eye",
        select_field(
            "product-status",
            "Status",
            STATUS_CHOICES,
            value=S.status,
            on_change=lambda v: S.set_text("status", v),
            errors=S.errors,
            key="status",
        ),
    )


def _category_item(cat: FlatCategory) -> rx.Component:
    return rx.el.label(
        rx.checkbox(
            checked=S.category_ids.contains(cat.id),
            on_change=lambda checked: S.toggle_category(cat.id, checked),
            size="2",
        ),
        rx.text(cat.name, size="2"),
        display="flex",
        align_items="center",
        gap="8px",
        padding_y="4px",
        padding_left=(cat.depth * 18).to_string() + "px",
        cursor="pointer",
    )


def _categories() -> rx.Component:
    return section(
        "Categories",
        "folder-tree",
        rx.cond(
            S.selected_categories.length() > 0,
            rx.flex(
                rx.foreach(
                    S.selected_categories, lambda t: rx.badge(t, radius="full", variant="soft")
                ),
                wrap="wrap",
                gap="6px",
            ),
        ),
        rx.cond(
            S.categories.length() > 0,
            rx.box(
                rx.foreach(S.categories, _category_item),
                role="group",
                aria_label="Categories",
                max_height="240px",
                overflow_y="auto",
                padding="8px 12px",
                border="1px solid var(--gray-a5)",
                border_radius="14px",
                width="100%",
            ),
            rx.text(
                "No categories yet. ",
                rx.link("Create some", href="/admin/categories"),
                ".",
                size="2",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            S.errors.contains("category_ids"),
            rx.text(S.errors["category_ids"], role="alert", size="2", color_scheme="red"),
        ),
    )


def _tags_and_seo() -> rx.Component:
    return section(
        "Tags & search engines",
        "tags",
        _text(
            "tags",
            "Tags",
            placeholder="knitwear, winter, gift",
            hint="Separate tags with commas.",
            optional=True,
        ),
        rx.cond(
            S.tag_list.length() > 0,
            rx.flex(
                rx.foreach(
                    S.tag_list, lambda t: rx.badge("#", t, color_scheme="pink", radius="full")
                ),
                wrap="wrap",
                gap="6px",
            ),
        ),
        _text(
            "seo_title", "SEO title", hint="Defaults to the title.", optional=True, max_length=200
        ),
        textarea_field(
            "product-seo_description",
            "SEO description",
            value=S.seo_description,
            on_change=lambda v: S.set_text("seo_description", v),
            errors=S.errors,
            key="seo.description",
            hint="Defaults to the start of the description. Up to 400 characters.",
            optional=True,
            rows="3",
            max_length=400,
        ),
    )


def _axis(axis: OptionAxis, index) -> rx.Component:
    name_id = "axis-name-" + axis.key
    values_id = "axis-values-" + axis.key
    name_error = "axes." + index.to_string() + ".name"
    return rx.flex(
        rx.vstack(
            rx.el.label(
                "Option name",
                html_for=name_id,
                style={"font_size": "var(--font-size-2)", "font_weight": "500"},
            ),
            rx.input(
                id=name_id,
                value=axis.name,
                on_change=lambda v: S.set_axis(axis.key, "name", v),
                placeholder="Size",
                size="3",
                width="100%",
                max_length=60,
            ),
            rx.cond(
                S.errors.contains(name_error),
                rx.text(S.errors[name_error], role="alert", size="2", color_scheme="red"),
            ),
            spacing="1",
            width=["100%", "100%", "200px"],
        ),
        rx.vstack(
            rx.el.label(
                "Values",
                html_for=values_id,
                style={"font_size": "var(--font-size-2)", "font_weight": "500"},
            ),
            rx.input(
                id=values_id,
                value=axis.value_text,
                on_change=lambda v: S.set_axis(axis.key, "value_text", v),
                placeholder="S, M, L",
                size="3",
                width="100%",
            ),
            rx.text("Separate values with commas.", size="1", color_scheme="gray"),
            spacing="1",
            flex="1",
            width="100%",
        ),
        rx.icon_button(
            rx.icon("trash-2", size=16),
            variant="soft",
            color_scheme="red",
            size="3",
            aria_label="Remove option " + axis.name,
            on_click=S.remove_axis(axis.key),
            cursor="pointer",
            margin_top=["0", "0", "24px"],
        ),
        direction=rx.breakpoints(initial="column", md="row"),
        gap="12px",
        align=rx.breakpoints(initial="stretch", md="start"),
        padding="12px",
        border_radius="14px",
        background="var(--gray-a2)",
        width="100%",
    )


_VARIANT_COLUMNS = (
    "minmax(140px, 1.5fr) repeat(3, minmax(84px, 1fr)) minmax(104px, 1.1fr) "
    "minmax(76px, 0.8fr) minmax(84px, 0.9fr) 40px"
)
_DESKTOP = ["none", "none", "none", "grid"]
_PHONE_LABEL = ["block", "block", "block", "none"]


def _variant_input(row: VariantRow, attr: str, text: str, **props) -> rx.Component:
    field_id = "variant-" + row.key + "-" + attr
    return rx.vstack(
        rx.el.label(
            text,
            html_for=field_id,
            display=_PHONE_LABEL,
            style={
                "font_size": "var(--font-size-1)",
                "font_weight": "500",
                "color": "var(--gray-11)",
            },
        ),
        rx.input(
            id=field_id,
            value=getattr(row, attr),
            on_change=lambda v: S.set_variant(row.key, attr, v),
            size="2",
            width="100%",
            aria_label=text + " of " + row.label,
            custom_attrs={
                "aria-invalid": rx.cond(row.errors.contains(attr), "true", "false"),
                "aria-describedby": field_id + "-error",
            },
            **invalid_look(row.errors, attr),
            **props,
        ),
        rx.cond(
            row.errors.contains(attr),
            rx.text(
                row.errors[attr], id=field_id + "-error", role="alert", size="1", color_scheme="red"
            ),
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _variant_row(row: VariantRow) -> rx.Component:
    money = {"input_mode": "decimal", "placeholder": "0.00"}
    return rx.box(
        rx.hstack(
            rx.badge(row.label, variant="surface", radius="full", size="2"),
            rx.cond(
                row.id != 0,
                rx.text("In stock: ", row.available, size="1", color_scheme="gray"),
                rx.badge("new", color_scheme="green", radius="full", size="1"),
            ),
            spacing="2",
            align="center",
            margin_bottom="8px",
        ),
        rx.grid(
            _variant_input(row, "sku", "SKU", placeholder="SKU-001", max_length=64),
            _variant_input(row, "price", "Price", **money),
            _variant_input(row, "compare_at", "Compare-at", **money),
            _variant_input(row, "cost", "Cost", **money),
            _variant_input(row, "barcode", "Barcode", max_length=64),
            _variant_input(row, "weight", "Weight (g)", input_mode="numeric", placeholder="0"),
            rx.cond(
                row.id == 0,
                _variant_input(
                    row, "stock", "Initial stock", input_mode="numeric", placeholder="0"
                ),
                rx.vstack(
                    rx.text(
                        "Stock",
                        size="1",
                        weight="medium",
                        color_scheme="gray",
                        display=_PHONE_LABEL,
                    ),
                    rx.link(
                        rx.button(
                            rx.icon("warehouse", size=14),
                            row.available,
                            size="2",
                            variant="soft",
                            width="100%",
                            cursor="pointer",
                        ),
                        href="/admin/inventory?sku=" + row.sku,
                        aria_label="Adjust stock of " + row.sku,
                        width="100%",
                    ),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.flex(
                rx.icon_button(
                    rx.icon("x", size=16),
                    variant="ghost",
                    color_scheme="red",
                    size="2",
                    aria_label="Remove variant " + row.label,
                    on_click=S.remove_variant(row.key),
                    cursor="pointer",
                ),
                justify="end",
                align="start",
                padding_top=["20px", "20px", "20px", "0"],
            ),
            grid_template_columns=[
                "repeat(2, minmax(0, 1fr))",
                "repeat(3, minmax(0, 1fr))",
                "repeat(4, minmax(0, 1fr))",
                _VARIANT_COLUMNS,
            ],
            gap="10px",
            width="100%",
            align_items="start",
        ),
        padding="12px",
        border_radius="14px",
        border="1px solid var(--gray-a4)",
        background="var(--color-panel-solid)",
        width="100%",
    )


def _variants() -> rx.Component:
    header = rx.grid(
        *[
            rx.text(t, size="1", weight="bold", color_scheme="gray")
            for t in ("SKU", "Price", "Compare-at", "Cost", "Barcode", "Weight (g)", "Stock", "")
        ],
        grid_template_columns=_VARIANT_COLUMNS,
        gap="10px",
        padding_x="12px",
        display=_DESKTOP,
        width="100%",
        aria_hidden="true",
    )
    return section(
        "Options & variants",
        "layers",
        rx.text(
            "Add options such as Size or Colour: every combination of their values becomes "
            "a variant with its own SKU, price and stock. Prices are in ",
            S.currency,
            ", like 19.90.",
            size="2",
            color_scheme="gray",
        ),
        rx.foreach(S.axes, _axis),
        rx.button(
            rx.icon("plus", size=16),
            "Add an option",
            variant="soft",
            on_click=S.add_axis,
            disabled=S.axes.length() >= MAX_AXES,
            cursor="pointer",
            id="add-option",
        ),
        rx.cond(
            S.errors.contains("variants"),
            rx.callout(
                S.errors["variants"],
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
                size="1",
                width="100%",
            ),
        ),
        rx.vstack(
            header, rx.foreach(S.variants, _variant_row), spacing="2", width="100%", id="variants"
        ),
    )


def _image_card(image: ImageRow, index) -> rx.Component:
    alt_id = "image-alt-" + image.key
    link_id = "image-variant-" + image.key
    return rx.card(
        rx.vstack(
            rx.box(
                rx.image(
                    src=media_src(image.url),
                    alt=image.alt,
                    width="100%",
                    height="100%",
                    object_fit="cover",
                ),
                rx.cond(
                    index == 0,
                    rx.badge(
                        "Main image",
                        position="absolute",
                        top="8px",
                        left="8px",
                        radius="full",
                        variant="solid",
                    ),
                ),
                position="relative",
                width="100%",
                aspect_ratio="1",
                border_radius="12px",
                overflow="hidden",
                background="var(--gray-3)",
            ),
            rx.vstack(
                rx.el.label(
                    "Alt text",
                    html_for=alt_id,
                    style={"font_size": "var(--font-size-1)", "font_weight": "500"},
                ),
                rx.input(
                    id=alt_id,
                    value=image.alt,
                    on_change=lambda v: S.set_image(image.key, "alt", v),
                    placeholder="Describe the picture",
                    size="2",
                    width="100%",
                    max_length=300,
                ),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                rx.el.label(
                    "Shows variant",
                    html_for=link_id,
                    style={"font_size": "var(--font-size-1)", "font_weight": "500"},
                ),
                rx.select.root(
                    rx.select.trigger(id=link_id, width="100%"),
                    rx.select.content(
                        rx.foreach(
                            S.variant_choices, lambda c: rx.select.item(c.label, value=c.value)
                        ),
                    ),
                    value=image.variant_sku,
                    on_change=lambda v: S.set_image(image.key, "variant_sku", v),
                    size="2",
                ),
                rx.cond(
                    image.errors.contains("variant_sku"),
                    rx.text(
                        image.errors["variant_sku"], role="alert", size="1", color_scheme="red"
                    ),
                ),
                spacing="1",
                width="100%",
            ),
            rx.hstack(
                rx.icon_button(
                    rx.icon("arrow-up", size=16),
                    variant="soft",
                    size="2",
                    aria_label="Move image up",
                    on_click=S.move_image(image.key, -1),
                    disabled=index == 0,
                    cursor="pointer",
                ),
                rx.icon_button(
                    rx.icon("arrow-down", size=16),
                    variant="soft",
                    size="2",
                    aria_label="Move image down",
                    on_click=S.move_image(image.key, 1),
                    disabled=index == S.images.length() - 1,
                    cursor="pointer",
                ),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("trash-2", size=16),
                    variant="soft",
                    color_scheme="red",
                    size="2",
                    aria_label="Remove image",
                    on_click=S.remove_image(image.key),
                    cursor="pointer",
                ),
                width="100%",
            ),
            spacing="3",
        ),
        size="1",
        style={"--card-border-radius": "16px"},
    )


def _images() -> rx.Component:
    return section(
        "Images",
        "images",
        rx.cond(
            S.images.length() > 0,
            rx.grid(
                rx.foreach(S.images, _image_card),
                columns=rx.breakpoints(initial="1", xs="2", md="3", lg="2"),
                spacing="3",
                width="100%",
                id="product-image-list",
            ),
        ),
        rx.box(
            rx.upload.root(
                rx.vstack(
                    rx.cond(
                        S.uploading,
                        rx.spinner(size="3"),
                        rx.icon("image-plus", size=28, color="var(--accent-11)"),
                    ),
                    rx.text(
                        rx.cond(S.uploading, "Uploading… ", "Drop images here or click to choose"),
                        rx.cond(S.uploading, S.upload_percent.to_string() + "%", ""),
                        weight="medium",
                        size="2",
                    ),
                    rx.text(
                        "JPEG, PNG, WebP or GIF, up to 8 MB each.", size="1", color_scheme="gray"
                    ),
                    align="center",
                    spacing="1",
                ),
                id=UPLOAD_ID,
                accept={
                    "image/png": [".png"],
                    "image/jpeg": [".jpg", ".jpeg"],
                    "image/webp": [".webp"],
                    "image/gif": [".gif"],
                },
                multiple=True,
                max_files=MAX_IMAGES,
                disabled=~S.can_manage,
                on_drop=S.upload_images(
                    rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=S.upload_progress)
                ),
                border="2px dashed var(--accent-7)",
                border_radius="16px",
                padding="24px",
                background="var(--accent-2)",
                cursor="pointer",
                width="100%",
                aria_label="Upload product images",
            ),
            id="product-image-upload",
            width="100%",
        ),
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this product?"),
            rx.alert_dialog.description(
                "A product that was never ordered is removed for good. One with orders is "
                "archived instead, so those orders keep their history."
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep it", variant="soft", color_scheme="gray", on_click=S.cancel_delete
                    ),
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete product", color_scheme="red", on_click=S.delete, id="confirm-delete"
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=S.confirm_delete,
    )


def _top_bar() -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.link(
                rx.icon_button(
                    rx.icon("arrow-left", size=18),
                    variant="soft",
                    size="3",
                    aria_label="Back to products",
                    cursor="pointer",
                    tab_index=-1,
                ),
                href="/admin/products",
                aria_label="Back to products",
            ),
            rx.vstack(
                rx.cond(
                    S.is_new,
                    rx.text("Fill in the details, then create it.", size="3", color_scheme="gray"),
                    rx.heading(
                        rx.cond(S.title != "", S.title, "Untitled"),
                        size="6",
                        as_="h2",
                        letter_spacing="-0.02em",
                    ),
                ),
                rx.cond(
                    ~S.is_new,
                    rx.hstack(
                        rx.match(
                            S.saved_status,
                            *[
                                (k, rx.badge(k, color_scheme=c, radius="full"))
                                for k, c in STATUS_COLORS.items()
                            ],
                            rx.badge(S.saved_status, radius="full"),
                        ),
                        rx.cond(
                            S.saved_status == "active",
                            rx.link(
                                "View in shop",
                                href="/product/" + S.saved_slug,
                                size="2",
                                is_external=True,
                            ),
                        ),
                        spacing="2",
                        align="center",
                    ),
                ),
                spacing="1",
                min_width="0",
            ),
            spacing="3",
            align="center",
            min_width="0",
        ),
        rx.cond(
            S.can_manage,
            rx.hstack(
                rx.cond(
                    ~S.is_new,
                    rx.button(
                        rx.icon("trash-2", size=16),
                        "Delete",
                        variant="soft",
                        color_scheme="red",
                        size="3",
                        loading=S.deleting,
                        on_click=S.ask_delete,
                        cursor="pointer",
                        id="delete-product",
                    ),
                ),
                rx.button(
                    rx.icon("save", size=16),
                    rx.cond(S.is_new, "Create product", "Save changes"),
                    size="3",
                    loading=S.saving,
                    on_click=S.save,
                    cursor="pointer",
                    id="save-product",
                ),
                spacing="2",
            ),
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        justify="between",
        align=rx.breakpoints(initial="start", sm="center"),
        gap="12px",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.el.fieldset(
        rx.vstack(
            _top_bar(),
            rx.cond(
                ~S.can_manage,
                rx.callout(
                    "You can look, but your role can't change products.",
                    icon="lock",
                    color_scheme="gray",
                    width="100%",
                ),
            ),
            error_summary(S.messages),
            rx.grid(
                rx.vstack(_basics(), _images(), spacing="4", width="100%", min_width="0"),
                rx.vstack(
                    _status(),
                    _categories(),
                    _tags_and_seo(),
                    spacing="4",
                    width="100%",
                    min_width="0",
                ),
                grid_template_columns=[
                    "minmax(0, 1fr)",
                    "minmax(0, 1fr)",
                    "minmax(0, 1fr)",
                    "minmax(0, 3fr) minmax(0, 2fr)",
                ],
                gap="16px",
                width="100%",
            ),
            _variants(),
            rx.cond(
                S.can_manage,
                rx.flex(
                    rx.button(
                        rx.icon("save", size=16),
                        rx.cond(S.is_new, "Create product", "Save changes"),
                        size="3",
                        loading=S.saving,
                        on_click=S.save,
                        cursor="pointer",
                        width=["100%", "auto"],
                    ),
                    justify="end",
                    width="100%",
                ),
            ),
            _delete_dialog(),
            spacing="4",
            width="100%",
        ),
        disabled=~S.can_manage,
        style={"border": "none", "padding": "0", "margin": "0", "min_width": "0", "width": "100%"},
    )


def _editor() -> rx.Component:
    return loading_missing_or(
        S.loading,
        S.missing,
        _form(),
        icon="package-x",
        title=("No such product",),
        back=("Back to products", "/admin/products"),
    )


@admin_page(
    route="/admin/products/new",
    title="New product",
    permission=Perm.CATALOG_MANAGE,
    on_load=ProductEditorState.load,
)
def new_product_page() -> rx.Component:
    return _editor()


@admin_page(
    route="/admin/products/[admin_product_id]",
    title="Edit product",
    permission=Perm.CATALOG_VIEW,
    on_load=ProductEditorState.load,
)
def edit_product_page() -> rx.Component:
    return _editor()
