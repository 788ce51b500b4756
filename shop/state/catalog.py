"""The product listing behind /category/<slug>, /collection/<slug> and /search?q=.

The address is the source of truth: every filter, the sort and the page live in the
query string, so a listing can be shared, bookmarked and navigated with the back
button. Filter controls are links (or redirect to one); `load` (the page's on_load)
reads the address, asks shop_core for one page with facets, and shapes it for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args
from urllib.parse import unquote, urlencode

import reflex as rx
from sqlmodel import Session

from shop.state.format import money, price_range
from shop.state.search import SearchState
from shop.state.services import read
from shop.state.session import client_ip
from shop_core import ratelimit
from shop_core.catalog import collections, queries
from shop_core.catalog.queries import Facets, FacetValue, ProductFilters, SortKey
from shop_core.catalog.schemas import CategoryNode, CategoryRef, ProductSummary
from shop_core.errors import DomainError, NotFound
from shop_core.settings import get_settings

PER_PAGE = 24
MAX_PAGE = 10_000
SORT_KEYS: tuple[str, ...] = get_args(SortKey)
SORT_LABELS = {
    "relevance": "Best match",
    "newest": "Newest",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "title": "Name A–Z",
}
OPTION_PREFIX = "o."  # ?o.Size=M|L
OPTION_SEPARATOR = "|"
SHOP_NAME = get_settings().shop_name


# --- what the page shows ----------------------------------------------------------------


@dataclass
class ProductCard:
    slug: str = ""
    title: str = ""
    href: str = ""
    image: str = ""
    price: str = ""
    compare_at: str = ""
    on_sale: bool = False
    in_stock: bool = True


@dataclass
class Crumb:
    label: str = ""
    href: str = ""


@dataclass
class FilterLink:
    """One choice in the sidebar: a label, how many products match, and where it leads."""

    label: str = ""
    count: int = 0
    href: str = ""
    active: bool = False
    depth: int = 0
    key: str = ""


@dataclass
class OptionGroup:
    name: str = ""
    choices: list[FilterLink] = field(default_factory=list)


@dataclass
class PageLink:
    label: str = ""
    href: str = ""
    current: bool = False
    gap: bool = False


def product_card(p: ProductSummary) -> ProductCard:
    on_sale = p.compare_at_price is not None and p.compare_at_price > p.price_min
    # A struck-through price only where it is exact: with several prices, the badge says it.
    exact = on_sale and p.price_min == p.price_max
    return ProductCard(
        slug=p.slug,
        title=p.title,
        href=f"/product/{p.slug}",
        image=p.image or "",
        price=price_range(p.price_min, p.price_max, p.currency),
        compare_at=money(p.compare_at_price, p.currency) if exact else "",
        on_sale=on_sale,
        in_stock=p.in_stock,
    )


# --- the address <-> filters ------------------------------------------------------------


@dataclass
class Listing:
    """Everything a listing address says: where we are, the filters, sort and page."""

    mode: str  # "category" | "collection" | "search"
    slug: str = ""
    q: str = ""
    category: str = ""  # a refinement on collection and search pages
    collection: str = ""  # a refinement on category and search pages
    price: str = ""  # a facet bucket "2500-5000" or "20000-"
    in_stock: bool = False
    options: dict[str, list[str]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1

    @classmethod
    def parse(cls, path: str, params: dict[str, str]) -> Listing:
        parts = [unquote(p) for p in path.strip("/").split("/") if p]
        mode = parts[0] if parts and parts[0] in ("category", "collection") else "search"
        slug = parts[1][:220] if mode != "search" and len(parts) > 1 else ""
        options: dict[str, list[str]] = {}
        for key, value in params.items():
            if key.startswith(OPTION_PREFIX) and len(key) > len(OPTION_PREFIX):
                values = [v for v in value.split(OPTION_SEPARATOR) if v][:20]
                if values:
                    options[key[len(OPTION_PREFIX) :][:60]] = values
        try:
            page = min(max(int(params.get("page", "1")), 1), MAX_PAGE)
        except ValueError:
            page = 1
        sort = params.get("sort", "")
        return cls(
            mode=mode,
            slug=slug,
            q=params.get("q", "").strip()[:200],
            category=params.get("category", "")[:140] if mode != "category" else "",
            collection=params.get("collection", "")[:220] if mode != "collection" else "",
            price=params.get("price", "")[:24],
            in_stock=params.get("in_stock") == "1",
            options=dict(list(options.items())[:10]),
            sort=sort if sort in SORT_KEYS else "",
            page=page,
        )

    @property
    def base_path(self) -> str:
        return "/search" if self.mode == "search" else f"/{self.mode}/{self.slug}"

    def price_bounds(self) -> tuple[int | None, int | None]:
        lo, _, hi = self.price.partition("-")
        try:
            low = int(lo) if lo else None
            high = int(hi) - 1 if hi else None
        except ValueError:
            return None, None
        return low, high

    def filters(self) -> ProductFilters:
        low, high = self.price_bounds()
        return ProductFilters(
            q=self.q or None,
            category=(self.slug if self.mode == "category" else self.category) or None,
            collection=(self.slug if self.mode == "collection" else self.collection) or None,
            min_price=low,
            max_price=high,
            in_stock=True if self.in_stock else None,
            options=self.options,
        )

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.q:
            out["q"] = self.q
        if self.category:
            out["category"] = self.category
        if self.collection:
            out["collection"] = self.collection
        if self.price:
            out["price"] = self.price
        if self.in_stock:
            out["in_stock"] = "1"
        for name in sorted(self.options):
            out[OPTION_PREFIX + name] = OPTION_SEPARATOR.join(self.options[name])
        if self.sort:
            out["sort"] = self.sort
        if self.page > 1:
            out["page"] = str(self.page)
        return out

    def url(self, **changes) -> str:
        """This listing's address with `changes` applied; any filter change resets the page."""
        changes.setdefault("page", 1)
        data = {**self.__dict__, **changes}
        data["options"] = {k: list(v) for k, v in data["options"].items() if v}
        target = Listing(**data)
        query = urlencode(target.params())
        return target.base_path + (f"?{query}" if query else "")

    def toggled_option(self, name: str, value: str) -> dict[str, list[str]]:
        options = {k: list(v) for k, v in self.options.items()}
        chosen = options.setdefault(name, [])
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
        return options


def _flatten(
    nodes: list[CategoryNode], listing: Listing, trail: set[str], counts: dict[str, int]
) -> list[FilterLink]:
    """The category tree as indented rows: the roots, plus the branch being looked at."""
    current = listing.slug if listing.mode == "category" else listing.category
    rows: list[FilterLink] = []

    def walk(level: list[CategoryNode], depth: int) -> None:
        for node in level:
            active = node.slug == current
            if listing.mode == "category":
                # Options differ between categories (sizes vs. volumes): start those afresh.
                href = listing.url(mode="category", slug=node.slug, options={})
            else:
                href = listing.url(category="" if active else node.slug)
            rows.append(
                FilterLink(
                    label=node.name,
                    count=counts.get(node.slug, 0),
                    href=href,
                    active=active,
                    depth=depth,
                    key=node.slug,
                )
            )
            if node.slug in trail and node.children:
                walk(node.children, depth + 1)

    walk(nodes, 0)
    return rows


@dataclass
class _Loaded:
    page: queries.ProductPage
    trail: list[CategoryRef]
    heading: str
    description: str


def _load(session: Session, listing: Listing) -> _Loaded:
    """The page of products, without facets: the grid shows before the filter counts."""
    trail: list[CategoryRef] = []
    heading, description = "", ""
    if listing.mode == "category":
        trail = queries.category_trail(session, listing.slug)
        heading = trail[-1].name
        description = f"Shop {heading.lower()} at {SHOP_NAME}: fresh picks, fair prices."
    elif listing.mode == "collection":
        found = collections.get_collection(session, listing.slug)
        heading, description = found.title, found.description
    if listing.category and listing.mode != "category":
        trail = queries.category_trail(session, listing.category)
    page = queries.list_products(
        session,
        listing.filters(),
        sort=listing.sort or None,  # type: ignore[arg-type]
        page=listing.page,
        per_page=PER_PAGE,
    )
    return _Loaded(page, trail, heading, description)


def _load_filters(session: Session, listing: Listing) -> tuple[Facets, list[CategoryNode]]:
    """Facet counts (a handful of aggregate queries over every match) and the tree."""
    return queries.facets(session, listing.filters()), queries.category_tree(session)


def page_links(listing: Listing, current: int, pages: int) -> list[PageLink]:
    wanted = sorted({1, pages, *range(max(1, current - 1), min(pages, current + 1) + 1)})
    links: list[PageLink] = []
    previous = 0
    for number in wanted:
        if number - previous > 1:
            links.append(PageLink(label="…", gap=True))
        links.append(
            PageLink(label=str(number), href=listing.url(page=number), current=number == current)
        )
        previous = number
    return links


class CatalogState(rx.State):
    mode: str = "search"
    loading: bool = True
    not_found: bool = False
    error: str = ""
    heading: str = ""
    description: str = ""
    query: str = ""
    products: list[ProductCard] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    sort: str = "newest"
    crumbs: list[Crumb] = []
    categories: list[FilterLink] = []
    collections: list[FilterLink] = []
    prices: list[FilterLink] = []
    options: list[OptionGroup] = []
    stock_filter: FilterLink = FilterLink()
    active_filters: list[FilterLink] = []
    page_numbers: list[PageLink] = []
    prev_href: str = ""
    next_href: str = ""
    clear_href: str = ""
    filters_open: bool = False
    filters_loading: bool = False

    @rx.var
    def seo_title(self) -> str:
        if self.not_found:
            return "Not found"
        if self.mode == "search":
            return f"Search: {self.query}" if self.query else "Search"
        return self.heading or "Shop"

    @rx.var
    def seo_description(self) -> str:
        if self.mode == "search":
            if not self.query:
                return f"Search the {SHOP_NAME} catalog."
            return f"Products matching “{self.query}” at {SHOP_NAME}."
        return self.description or f"Browse {self.heading} at {SHOP_NAME}."

    @rx.var
    def sort_options(self) -> list[str]:
        keys = SORT_KEYS if self.mode == "search" else [k for k in SORT_KEYS if k != "relevance"]
        return list(keys)

    @rx.var
    def result_label(self) -> str:
        if self.total == 1:
            return "1 product"
        return f"{self.total} products"

    def _listing(self) -> Listing:
        return Listing.parse(self.router.url.path, dict(self.router.url.query_parameters))

    @rx.event
    async def load(self):
        listing = self._listing()
        self.mode = listing.mode
        self.query = listing.q
        self.loading = True
        self.not_found = False
        self.error = ""
        self.filters_open = False
        if listing.mode == "search":
            (await self.get_state(SearchState)).query = listing.q
        yield
        try:
            if listing.q:
                ratelimit.search(client_ip(self))
            loaded = await read(lambda s: _load(s, listing))
        except NotFound:
            self.not_found = True
            self.heading, self.products, self.total = "", [], 0
            self.loading = False
            return
        except DomainError as exc:
            self.error = exc.message
            self.products, self.total = [], 0
            self.loading = False
            return
        self._present(listing, loaded)
        self.filters_loading = True
        self.loading = False
        yield  # the grid is on screen; the filter counts follow
        try:
            facets, tree = await read(lambda s: _load_filters(s, listing))
        except DomainError:
            facets, tree = Facets(), []
        self._present_filters(listing, loaded, facets, tree)
        self.filters_loading = False

    def _present(self, listing: Listing, loaded: _Loaded) -> None:
        result = loaded.page
        self.heading = loaded.heading or (f"“{listing.q}”" if listing.q else "All products")
        self.description = loaded.description
        self.products = [product_card(p) for p in result.items]
        self.total = result.total
        self.page, self.pages = result.page, result.pages
        self.sort = listing.sort or ("relevance" if listing.q else "newest")
        self.crumbs = self._crumbs(listing, loaded)
        self.active_filters = self._chips(listing, Facets())
        self.clear_href = Listing(mode=listing.mode, slug=listing.slug, q=listing.q).url()
        self.page_numbers = page_links(listing, result.page, result.pages)
        self.prev_href = listing.url(page=result.page - 1) if result.page > 1 else ""
        self.next_href = listing.url(page=result.page + 1) if result.page < result.pages else ""

    def _present_filters(
        self, listing: Listing, loaded: _Loaded, facets: Facets, tree: list[CategoryNode]
    ) -> None:
        counts = {f.value: f.count for f in facets.categories}
        self.categories = _flatten(tree, listing, {c.slug for c in loaded.trail}, counts)
        self.collections = [
            FilterLink(
                label=f.label,
                count=f.count,
                href=listing.url(collection="" if f.value == listing.collection else f.value),
                active=f.value == listing.collection,
                key=f.value,
            )
            for f in facets.collections
            if listing.mode != "collection"
        ]
        self.prices = [
            FilterLink(
                label=_price_label(f),
                count=f.count,
                href=listing.url(price="" if f.value == listing.price else f.value),
                active=f.value == listing.price,
                key=f.value,
            )
            for f in facets.price
            if f.count or f.value == listing.price
        ]
        self.stock_filter = FilterLink(
            label="In stock only",
            count=facets.in_stock,
            href=listing.url(in_stock=not listing.in_stock),
            active=listing.in_stock,
            key="in_stock",
        )
        self.options = [
            OptionGroup(
                name=name,
                choices=[
                    FilterLink(
                        label=v.label,
                        count=v.count,
                        href=listing.url(options=listing.toggled_option(name, v.value)),
                        active=v.value in listing.options.get(name, []),
                        key=f"{name}:{v.value}",
                    )
                    for v in sorted(values, key=_option_order)[:24]
                ],
            )
            for name, values in sorted(facets.options.items())
        ]
        self.active_filters = self._chips(listing, facets)

    def _crumbs(self, listing: Listing, loaded: _Loaded) -> list[Crumb]:
        crumbs = [Crumb("Home", "/")]
        if listing.mode == "category":
            crumbs += [Crumb(c.name, f"/category/{c.slug}") for c in loaded.trail]
        elif listing.mode == "collection":
            crumbs += [Crumb("Collections", "/"), Crumb(loaded.heading, "")]
        else:
            crumbs.append(Crumb("Search", ""))
        if crumbs:
            crumbs[-1] = Crumb(crumbs[-1].label, "")  # the current page is not a link
        return crumbs

    def _chips(self, listing: Listing, facets: Facets) -> list[FilterLink]:
        chips: list[FilterLink] = []
        names = {f.value: f.label for f in facets.categories + facets.collections}
        if listing.category:
            label = names.get(listing.category, listing.category)
            chips.append(FilterLink(label=label, href=listing.url(category=""), key="category"))
        if listing.collection:
            label = names.get(listing.collection, listing.collection)
            chips.append(FilterLink(label=label, href=listing.url(collection=""), key="collection"))
        if listing.price:
            low, high = listing.price_bounds()
            chips.append(
                FilterLink(label=_bounds_label(low, high), href=listing.url(price=""), key="price")
            )
        if listing.in_stock:
            chips.append(
                FilterLink(label="In stock", href=listing.url(in_stock=False), key="in_stock")
            )
        for name, values in listing.options.items():
            for value in values:
                chips.append(
                    FilterLink(
                        label=f"{name}: {value}",
                        href=listing.url(options=listing.toggled_option(name, value)),
                        key=f"{name}:{value}",
                    )
                )
        return chips

    @rx.event
    def set_sort(self, value: str):
        if value not in SORT_KEYS:
            return
        listing = self._listing()
        return rx.redirect(listing.url(sort=value))

    @rx.event
    def set_filters_open(self, value: bool):
        self.filters_open = value


_SIZES = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"]


def _option_order(value: FacetValue) -> tuple[int, float, str]:
    """Sizes from small to large, numbers by value, everything else alphabetically."""
    text = value.value.strip().upper()
    if text in _SIZES:
        return (0, _SIZES.index(text), text)
    try:
        return (1, float(text.split()[0].replace(",", ".")), text)
    except ValueError:
        return (2, 0, text)


def _price_label(facet: FacetValue) -> str:
    lo, _, hi = facet.value.partition("-")
    return _bounds_label(int(lo) if lo else None, int(hi) - 1 if hi else None)


def _bounds_label(low: int | None, high: int | None) -> str:
    currency = get_settings().currency
    if high is None:
        return f"{money(low or 0, currency)} and up"
    if not low:
        return f"Under {money(high + 1, currency)}"
    return f"{money(low, currency)} – {money(high + 1, currency)}"
