"""Product page: gallery, variant picker (options → SKU, price, stock), add to cart."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

import reflex as rx

from shop.components.feedback import breadcrumbs, loading_panel, not_found_panel, sr_only
from shop.components.layout import template
from shop.components.media import media_src
from shop.components.products import product_image
from shop.state.cart import LOW_STOCK, CartState
from shop.state.catalog import Crumb
from shop.state.format import money, price_range
from shop.state.services import read
from shop_core.cart.service import MAX_LINE_QUANTITY
from shop_core.catalog import queries
from shop_core.catalog.schemas import CategoryRef, ProductDetail
from shop_core.errors import NotFound
from shop_core.settings import get_settings

_settings = get_settings()
SHIPPING_NOTE = (
    f"Tax added at checkout · Free standard shipping over "
    f"{money(_settings.shipping_free_over, _settings.currency)}"
)


@dataclass
class VariantRow:
    id: int = 0
    sku: str = ""
    options: dict[str, str] = field(default_factory=dict)
    price: str = ""
    compare_at: str = ""
    on_sale: bool = False
    available: int = 0
    image_index: int = -1


@dataclass
class OptionRow:
    name: str = ""
    choices: list[str] = field(default_factory=list)


@dataclass
class ImageRow:
    url: str = ""
    alt: str = ""


def _variant_rows(product: ProductDetail) -> list[VariantRow]:
    image_of = {img.variant_id: i for i, img in enumerate(product.images) if img.variant_id}
    return [
        VariantRow(
            id=v.id,
            sku=v.sku,
            options=dict(v.option_values),
            price=money(v.price, product.currency),
            compare_at=money(v.compare_at_price, product.currency)
            if v.compare_at_price and v.compare_at_price > v.price
            else "",
            on_sale=bool(v.compare_at_price and v.compare_at_price > v.price),
            available=v.available,
            image_index=image_of.get(v.id, -1),
        )
        for v in product.variants
    ]


def _load(session, slug: str) -> tuple[ProductDetail, list[CategoryRef]]:
    product = queries.product_detail(session, slug=slug)
    trail: list[CategoryRef] = []
    for category in product.categories:
        candidate = queries.category_trail(session, category.slug)
        if len(candidate) > len(trail):
            trail = candidate  # the deepest category makes the most useful trail
    return product, trail


class ProductState(rx.State):
    loading: bool = True
    not_found: bool = False
    title: str = ""
    description: str = ""
    seo_title: str = "Product"
    seo_description: str = ""
    price_range: str = ""
    tags: list[str] = []
    images: list[ImageRow] = []
    image_index: int = 0
    option_rows: list[OptionRow] = []
    variants: list[VariantRow] = []
    selected: dict[str, str] = {}
    quantity: int = 1
    quantity_error: str = ""
    adding: bool = False
    crumbs: list[Crumb] = []

    @rx.var
    def current(self) -> VariantRow:
        """The variant the chosen options name (an empty row while none matches)."""
        for variant in self.variants:
            if all(variant.options.get(k) == v for k, v in self.selected.items()):
                return variant
        return VariantRow()

    @rx.var
    def choice_states(self) -> dict[str, str]:
        """For each "Option=value": "ok", "soldout" (exists, no stock) or "none" (no such
        variant with the other options as chosen)."""
        out: dict[str, str] = {}
        for option in self.option_rows:
            others = {k: v for k, v in self.selected.items() if k != option.name}
            for value in option.choices:
                matching = [
                    v
                    for v in self.variants
                    if v.options.get(option.name) == value
                    and all(v.options.get(k) == w for k, w in others.items())
                ]
                state = "none" if not matching else "ok"
                if matching and all(v.available <= 0 for v in matching):
                    state = "soldout"
                out[f"{option.name}={value}"] = state
        return out

    @rx.var
    def stock_label(self) -> str:
        available = self.current.available
        if self.current.id == 0:
            return "Not available in this combination"
        if available <= 0:
            return "Sold out"
        if available <= LOW_STOCK:
            return f"Only {available} left — order soon"
        return "In stock, ready to ship"

    @rx.var
    def max_quantity(self) -> int:
        return max(1, min(self.current.available, MAX_LINE_QUANTITY))

    @rx.var
    def image(self) -> ImageRow:
        if 0 <= self.image_index < len(self.images):
            return self.images[self.image_index]
        return ImageRow(alt=self.title)

    @rx.event
    async def load(self):
        slug = unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])[:220]
        self.loading = True
        self.not_found = False
        self.quantity, self.quantity_error, self.adding = 1, "", False
        yield
        try:
            product, trail = await read(lambda s: _load(s, slug))
        except NotFound:
            self.not_found = True
            self.loading = False
            self.seo_title = "Product not found"
            self.seo_description = ""
            return
        self._fill(product, trail)
        self.loading = False

    def _fill(self, product: ProductDetail, trail: list[CategoryRef]) -> None:
        """Show `product`, with its first in-stock variant chosen."""
        self.title = product.title
        self.description = product.description
        self.seo_title = product.seo.title or product.title
        self.seo_description = product.seo.description or ""
        self.price_range = price_range(product.price_min, product.price_max, product.currency)
        self.tags = list(product.tags)
        self.images = [ImageRow(url=i.url, alt=i.alt or product.title) for i in product.images]
        self.image_index = 0
        self.option_rows = [OptionRow(name=o.name, choices=list(o.values)) for o in product.options]
        self.variants = _variant_rows(product)
        first = next((v for v in self.variants if v.available > 0), None) or (
            self.variants[0] if self.variants else VariantRow()
        )
        self.selected = dict(first.options)
        if first.image_index >= 0:
            self.image_index = first.image_index
        self.crumbs = [
            Crumb("Home", "/"),
            *[Crumb(c.name, f"/category/{c.slug}") for c in trail],
            Crumb(product.title, ""),
        ]

    @rx.event
    def pick(self, name: str, value: str):
        """Choose an option value; if no variant has it with the other choices, switch to
        the closest one that does (preferring one in stock)."""
        wanted = {**self.selected, name: value}
        match = next(
            (v for v in self.variants if all(v.options.get(k) == w for k, w in wanted.items())),
            None,
        )
        if match is None:
            candidates = [v for v in self.variants if v.options.get(name) == value]
            candidates.sort(
                key=lambda v: (
                    v.available <= 0,
                    -sum(v.options.get(k) == w for k, w in wanted.items()),
                )
            )
            match = candidates[0] if candidates else None
        if match is None:
            return
        self.selected = dict(match.options)
        if match.image_index >= 0:
            self.image_index = match.image_index
        self.quantity = max(1, min(self.quantity, match.available or 1))
        self.quantity_error = ""

    @rx.event
    def show_image(self, index: int):
        self.image_index = index

    @rx.event
    def step_quantity(self, delta: int):
        self.quantity = max(1, min(self.quantity + delta, self.max_quantity))
        self.quantity_error = ""

    @rx.event
    async def add_to_cart(self):
        variant = self.current
        if variant.id == 0 or variant.available <= 0:
            self.quantity_error = "This one is sold out — try another option."
            return
        self.adding = True
        self.quantity_error = ""
        yield
        cart = await self.get_state(CartState)
        refused = await cart._add(variant.sku, self.quantity)
        self.adding = False
        if refused is not None:
            self.quantity_error = refused.fields.get("quantity", refused.message)
            yield rx.toast.error(refused.message)
            return
        cart.drawer_open = True
        yield rx.toast.success(f"Added {self.title} to your cart.")


# --- the page --------------------------------------------------------------------------


def _gallery() -> rx.Component:
    thumbs = rx.cond(
        ProductState.images.length() > 1,
        rx.flex(
            rx.foreach(
                ProductState.images,
                lambda img, i: rx.el.button(
                    rx.image(
                        src=media_src(img.url),
                        alt="",
                        width="100%",
                        height="100%",
                        object_fit="cover",
                        loading="lazy",
                    ),
                    on_click=ProductState.show_image(i),
                    type="button",
                    aria_label="Show image " + (i + 1).to_string(),
                    aria_pressed=rx.cond(i == ProductState.image_index, "true", "false"),
                    style={
                        "width": "72px",
                        "height": "72px",
                        "flex_shrink": "0",
                        "padding": "0",
                        "cursor": "pointer",
                        "overflow": "hidden",
                        "border_radius": "14px",
                        "background": "var(--gray-3)",
                        "border": rx.cond(
                            i == ProductState.image_index,
                            "2px solid var(--accent-9)",
                            "2px solid transparent",
                        ),
                    },
                ),
            ),
            spacing="2",
            overflow_x="auto",
            padding_bottom="4px",
            width="100%",
            role="group",
            aria_label="Product images",
        ),
    )
    return rx.vstack(
        rx.box(
            product_image(ProductState.image.url, ProductState.image.alt, loading="eager"),
            rx.cond(
                ProductState.current.on_sale,
                rx.badge(
                    "Sale",
                    color_scheme="pink",
                    variant="solid",
                    radius="full",
                    size="3",
                    position="absolute",
                    top="16px",
                    left="16px",
                ),
            ),
            position="relative",
            width="100%",
            aspect_ratio="1 / 1",
            overflow="hidden",
            border_radius="28px",
            background="var(--gray-3)",
        ),
        thumbs,
        spacing="3",
        width="100%",
    )


def _option_picker(option) -> rx.Component:
    def value_button(value):
        key = option.name + "=" + value
        state = ProductState.choice_states[key]
        chosen = ProductState.selected[option.name] == value
        return rx.button(
            value,
            rx.cond(state == "soldout", sr_only(" (sold out)")),
            on_click=ProductState.pick(option.name, value),
            type="button",
            variant=rx.cond(chosen, "solid", "outline"),
            color_scheme=rx.cond(chosen, "violet", "gray"),
            radius="full",
            size="2",
            cursor="pointer",
            aria_pressed=rx.cond(chosen, "true", "false"),
            opacity=rx.cond(state == "ok", "1", "0.55"),
            text_decoration=rx.cond(state == "soldout", "line-through", "none"),
        )

    return rx.vstack(
        rx.hstack(
            rx.text(option.name, size="2", weight="bold"),
            rx.text(ProductState.selected[option.name], size="2", color_scheme="gray"),
            spacing="2",
        ),
        rx.flex(
            rx.foreach(option.choices, value_button),
            spacing="2",
            wrap="wrap",
            role="group",
            aria_label=option.name,
        ),
        spacing="2",
        width="100%",
    )


def _quantity_stepper() -> rx.Component:
    return rx.hstack(
        rx.icon_button(
            rx.icon("minus", size=16),
            on_click=ProductState.step_quantity(-1),
            disabled=ProductState.quantity <= 1,
            variant="soft",
            radius="full",
            size="3",
            aria_label="Fewer",
            type="button",
        ),
        rx.text(
            ProductState.quantity,
            id="product-quantity",
            size="4",
            weight="bold",
            min_width="32px",
            align="center",
            aria_live="polite",
            aria_label="Quantity",
        ),
        rx.icon_button(
            rx.icon("plus", size=16),
            on_click=ProductState.step_quantity(1),
            disabled=ProductState.quantity >= ProductState.max_quantity,
            variant="soft",
            radius="full",
            size="3",
            aria_label="More",
            type="button",
        ),
        spacing="2",
        align="center",
        padding="4px",
        border="1px solid var(--gray-a5)",
        border_radius="999px",
    )


def _stock_line() -> rx.Component:
    available = ProductState.current.available
    color = rx.cond(
        available <= 0,
        "var(--red-11)",
        rx.cond(available <= LOW_STOCK, "var(--amber-11)", "var(--green-11)"),
    )
    return rx.hstack(
        rx.box(width="8px", height="8px", border_radius="50%", background=color),
        rx.text(
            ProductState.stock_label, size="2", weight="medium", color=color, id="product-stock"
        ),
        spacing="2",
        align="center",
    )


def _details() -> rx.Component:
    current = ProductState.current
    return rx.vstack(
        rx.heading(
            ProductState.title,
            as_="h1",
            size=rx.breakpoints(initial="7", sm="8"),
            letter_spacing="-0.03em",
            line_height="1.1",
        ),
        rx.hstack(
            rx.text(
                rx.cond(current.id != 0, current.price, ProductState.price_range),
                id="product-price",
                size="7",
                weight="bold",
                color=rx.cond(current.on_sale, "var(--pink-11)", "var(--gray-12)"),
            ),
            rx.cond(
                current.on_sale,
                rx.text(
                    sr_only("Was "),
                    rx.el.s(current.compare_at),
                    size="4",
                    color_scheme="gray",
                ),
            ),
            rx.cond(
                current.on_sale,
                rx.badge("Sale", color_scheme="pink", radius="full", size="2"),
            ),
            spacing="3",
            align="baseline",
            wrap="wrap",
        ),
        rx.text(SHIPPING_NOTE, size="1", color_scheme="gray"),
        rx.foreach(ProductState.option_rows, _option_picker),
        _stock_line(),
        rx.hstack(
            _quantity_stepper(),
            rx.button(
                rx.icon("shopping-bag", size=18),
                "Add to cart",
                on_click=ProductState.add_to_cart,
                loading=ProductState.adding,
                disabled=current.available <= 0,
                size="4",
                radius="full",
                flex="1",
                cursor="pointer",
                id="add-to-cart",
            ),
            spacing="3",
            width="100%",
            align="center",
        ),
        rx.cond(
            ProductState.quantity_error != "",
            rx.text(ProductState.quantity_error, role="alert", size="2", color_scheme="red"),
        ),
        rx.text(
            "SKU ",
            rx.code(current.sku, variant="ghost", id="product-sku"),
            size="1",
            color_scheme="gray",
        ),
        rx.separator(size="4"),
        rx.vstack(
            rx.heading("About this product", as_="h2", size="4"),
            rx.text(
                ProductState.description,
                size="3",
                color="var(--gray-11)",
                white_space="pre-line",
                line_height="1.7",
            ),
            rx.flex(
                rx.foreach(
                    ProductState.tags,
                    lambda tag: rx.badge(
                        "#", tag, variant="soft", color_scheme="gray", radius="full"
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _product_view() -> rx.Component:
    return rx.vstack(
        breadcrumbs(ProductState.crumbs),
        rx.grid(
            _gallery(),
            _details(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing=rx.breakpoints(initial="5", md="8"),
            width="100%",
            align_items="start",
        ),
        spacing="5",
        width="100%",
    )


@template(
    route="/product/[product_slug]",
    title=ProductState.seo_title,
    description=ProductState.seo_description,
    on_load=ProductState.load,
)
def product_page() -> rx.Component:
    return rx.cond(
        ProductState.not_found,
        not_found_panel(
            "product", "It may have sold out for good or moved. Try searching for it instead."
        ),
        rx.cond(ProductState.loading, loading_panel("Loading the product…"), _product_view()),
    )
