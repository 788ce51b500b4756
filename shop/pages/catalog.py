"""Category, collection and search pages: one product grid with a filter sidebar
(a drawer on phones), sorting, pagination and breadcrumbs."""

from __future__ import annotations

import reflex as rx

from shop.components.feedback import breadcrumbs, empty_panel, not_found_panel
from shop.components.layout import template
from shop.components.products import product_grid, skeleton_grid
from shop.state.catalog import SORT_LABELS, CatalogState, FilterLink

DESKTOP = ["none", "none", "block"]
PHONE = ["flex", "flex", "none"]


def _count(link) -> rx.Component:
    return rx.text(link.count, size="1", color_scheme="gray", margin_left="auto")


def _check_row(link, group: str, where: str) -> rx.Component:
    """A checkbox that applies (or removes) one filter by following its link."""
    control_id = f"{where}-{group}-" + link.key.to_string().replace(" ", "-")
    return rx.hstack(
        rx.checkbox(
            checked=link.active,
            on_change=rx.redirect(link.href),
            id=control_id,
            size="2",
            cursor="pointer",
        ),
        rx.el.label(
            link.label, html_for=control_id, style={"cursor": "pointer", "font_size": "14px"}
        ),
        _count(link),
        spacing="2",
        align="center",
        width="100%",
    )


def _category_row(link: FilterLink) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.text(
                link.label,
                size="2",
                weight=rx.cond(link.active, "bold", "regular"),
                color=rx.cond(link.active, "var(--accent-11)", "var(--gray-12)"),
            ),
            rx.cond(link.count > 0, _count(link)),
            width="100%",
            align="center",
        ),
        href=link.href,
        underline="none",
        padding_left=(link.depth * 14).to_string() + "px",
        padding_y="3px",
        width="100%",
        custom_attrs={"aria-current": rx.cond(link.active, "page", "false")},
    )


def _group(title: str, *children: rx.Component) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(
            title,
            style={"font_weight": "700", "font_size": "14px", "margin_bottom": "8px"},
        ),
        rx.vstack(*children, spacing="1", width="100%"),
        style={"border": "none", "padding": "0", "margin": "0", "width": "100%"},
    )


def _filters_skeleton() -> rx.Component:
    """Placeholder while the filter counts load (they follow the product grid)."""
    return rx.vstack(
        *[
            rx.vstack(
                rx.skeleton(height="14px", width="45%"),
                rx.skeleton(height="12px", width="80%"),
                rx.skeleton(height="12px", width="70%"),
                rx.skeleton(height="12px", width="60%"),
                spacing="2",
                width="100%",
            )
            for _ in range(3)
        ],
        spacing="5",
        width="100%",
        aria_busy="true",
        aria_label="Loading filters",
    )


def filter_panel(where: str) -> rx.Component:
    """The filters; `where` keeps control ids unique (the sidebar and the phone drawer)."""
    return rx.cond(CatalogState.filters_loading, _filters_skeleton(), _filter_groups(where))


def _filter_groups(where: str) -> rx.Component:
    return rx.vstack(
        rx.cond(
            CatalogState.categories.length() > 0,
            rx.el.nav(
                _group("Categories", rx.foreach(CatalogState.categories, _category_row)),
                aria_label="Categories",
                width="100%",
            ),
        ),
        _group("Availability", _check_row(CatalogState.stock_filter, "stock", where)),
        rx.cond(
            CatalogState.prices.length() > 0,
            _group(
                "Price", rx.foreach(CatalogState.prices, lambda p: _check_row(p, "price", where))
            ),
        ),
        rx.cond(
            CatalogState.collections.length() > 0,
            _group(
                "Collections",
                rx.foreach(CatalogState.collections, lambda c: _check_row(c, "col", where)),
            ),
        ),
        rx.foreach(
            CatalogState.options,
            lambda group: rx.el.fieldset(
                rx.el.legend(
                    group.name,
                    style={"font_weight": "700", "font_size": "14px", "margin_bottom": "8px"},
                ),
                rx.flex(
                    rx.foreach(
                        group.choices,
                        lambda v: rx.link(
                            rx.badge(
                                v.label,
                                rx.text(v.count, as_="span", size="1", opacity="0.7"),
                                variant=rx.cond(v.active, "solid", "surface"),
                                color_scheme=rx.cond(v.active, "violet", "gray"),
                                radius="full",
                                size="2",
                                cursor="pointer",
                            ),
                            href=v.href,
                            underline="none",
                            aria_label=group.name
                            + " "
                            + v.label
                            + ", "
                            + v.count.to_string()
                            + " products",
                            custom_attrs={"aria-pressed": rx.cond(v.active, "true", "false")},
                            role="button",
                        ),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                style={"border": "none", "padding": "0", "margin": "0", "width": "100%"},
            ),
        ),
        rx.cond(
            CatalogState.active_filters.length() > 0,
            rx.link("Clear all filters", href=CatalogState.clear_href, size="2"),
        ),
        spacing="5",
        width="100%",
        align="start",
    )


def _sort_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            aria_label="Sort products",
            radius="full",
            variant="soft",
            color_scheme="gray",
        ),
        rx.select.content(
            rx.foreach(
                CatalogState.sort_options,
                lambda key: rx.select.item(rx.match(key, *SORT_LABELS.items(), key), value=key),
            ),
        ),
        value=CatalogState.sort,
        on_change=CatalogState.set_sort,
        size="2",
    )


def _filters_drawer() -> rx.Component:
    return rx.drawer.root(
        rx.drawer.trigger(
            rx.button(
                rx.icon("sliders-horizontal", size=16),
                "Filters",
                rx.cond(
                    CatalogState.active_filters.length() > 0,
                    rx.badge(CatalogState.active_filters.length(), radius="full", variant="solid"),
                ),
                variant="soft",
                radius="full",
                size="2",
                cursor="pointer",
            ),
        ),
        rx.drawer.overlay(),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(
                        rx.drawer.title("Filters", size="5", weight="bold"),
                        rx.spacer(),
                        rx.drawer.close(
                            rx.icon_button(
                                rx.icon("x", size=18),
                                variant="ghost",
                                radius="full",
                                aria_label="Close filters",
                            ),
                        ),
                        width="100%",
                        align="center",
                    ),
                    rx.box(filter_panel("drawer"), overflow_y="auto", flex="1", width="100%"),
                    spacing="4",
                    height="100%",
                    width="100%",
                ),
                top="0",
                left="0",
                right="auto",
                height="100%",
                width="min(340px, 88vw)",
                padding="20px",
                background="var(--color-panel-solid)",
                border_radius="0 24px 24px 0",
            ),
        ),
        direction="left",
        open=CatalogState.filters_open,
        on_open_change=CatalogState.set_filters_open,
    )


def _chips() -> rx.Component:
    return rx.cond(
        CatalogState.active_filters.length() > 0,
        rx.flex(
            rx.foreach(
                CatalogState.active_filters,
                lambda chip: rx.link(
                    rx.badge(
                        chip.label,
                        rx.icon("x", size=12),
                        radius="full",
                        size="2",
                        variant="soft",
                        cursor="pointer",
                    ),
                    href=chip.href,
                    underline="none",
                    aria_label="Remove filter " + chip.label,
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
    )


def _pagination() -> rx.Component:
    def page_link(link) -> rx.Component:
        return rx.cond(
            link.gap,
            rx.text("…", color_scheme="gray", padding_x="4px"),
            rx.link(
                rx.button(
                    link.label,
                    variant=rx.cond(link.current, "solid", "soft"),
                    radius="full",
                    size="2",
                    cursor="pointer",
                ),
                href=link.href,
                underline="none",
                aria_label="Page " + link.label,
                custom_attrs={"aria-current": rx.cond(link.current, "page", "false")},
            ),
        )

    def arrow(href, icon: str, label: str) -> rx.Component:
        return rx.cond(
            href != "",
            rx.link(
                rx.icon_button(rx.icon(icon, size=16), variant="soft", radius="full", size="2"),
                href=href,
                aria_label=label,
            ),
            rx.icon_button(
                rx.icon(icon, size=16),
                variant="soft",
                radius="full",
                size="2",
                disabled=True,
                aria_label=label,
            ),
        )

    return rx.cond(
        CatalogState.pages > 1,
        rx.el.nav(
            rx.hstack(
                arrow(CatalogState.prev_href, "chevron-left", "Previous page"),
                rx.foreach(CatalogState.page_numbers, page_link),
                arrow(CatalogState.next_href, "chevron-right", "Next page"),
                spacing="2",
                align="center",
                justify="center",
                wrap="wrap",
            ),
            aria_label="Pagination",
            width="100%",
            padding_top="16px",
        ),
    )


def _results() -> rx.Component:
    return rx.cond(
        CatalogState.loading,
        skeleton_grid(),
        rx.cond(
            CatalogState.error != "",
            empty_panel("triangle-alert", "That didn't work", CatalogState.error, tone="amber"),
            rx.cond(
                CatalogState.total > 0,
                rx.vstack(product_grid(CatalogState.products), _pagination(), width="100%"),
                empty_panel(
                    "search",
                    rx.cond(
                        CatalogState.mode == "search",
                        "No products match your search",
                        "Nothing here yet",
                    ),
                    "Try another spelling, fewer words or fewer filters.",
                    rx.cond(
                        CatalogState.active_filters.length() > 0,
                        rx.link(
                            rx.button("Clear filters", radius="full", variant="soft"),
                            href=CatalogState.clear_href,
                            underline="none",
                        ),
                    ),
                    rx.link(rx.button("Back home", radius="full"), href="/", underline="none"),
                ),
            ),
        ),
    )


def catalog_view() -> rx.Component:
    header = rx.vstack(
        breadcrumbs(CatalogState.crumbs),
        rx.heading(
            rx.cond(CatalogState.mode == "search", "Results for ", ""),
            CatalogState.heading,
            as_="h1",
            size=rx.breakpoints(initial="7", sm="8"),
            letter_spacing="-0.03em",
        ),
        rx.cond(
            CatalogState.description != "",
            rx.text(CatalogState.description, color_scheme="gray", max_width="640px"),
        ),
        spacing="2",
        width="100%",
    )
    toolbar = rx.hstack(
        rx.box(_filters_drawer(), display=PHONE),
        rx.text(
            rx.cond(CatalogState.loading, "Loading…", CatalogState.result_label),
            size="2",
            color_scheme="gray",
            aria_live="polite",
        ),
        rx.spacer(),
        rx.hstack(
            rx.text("Sort", size="2", color_scheme="gray", display=["none", "block"]),
            _sort_select(),
            spacing="2",
            align="center",
        ),
        width="100%",
        align="center",
        spacing="3",
    )
    return rx.vstack(
        header,
        rx.flex(
            rx.el.aside(
                filter_panel("side"),
                aria_label="Filters",
                display=DESKTOP,
                width="240px",
                flex_shrink="0",
            ),
            rx.vstack(toolbar, _chips(), _results(), spacing="4", width="100%", min_width="0"),
            spacing="6",
            width="100%",
            align="start",
        ),
        spacing="5",
        width="100%",
    )


def catalog_page() -> rx.Component:
    return rx.cond(
        CatalogState.not_found,
        not_found_panel("page", "The category or collection may have moved. Try a search."),
        catalog_view(),
    )


_META = {
    "title": CatalogState.seo_title,
    "description": CatalogState.seo_description,
    "on_load": CatalogState.load,
}


@template(route="/category/[category_slug]", **_META)
def category_page() -> rx.Component:
    return catalog_page()


@template(route="/collection/[collection_slug]", **_META)
def collection_page() -> rx.Component:
    return catalog_page()


@template(route="/search", **_META)
def search_page() -> rx.Component:
    return catalog_page()
