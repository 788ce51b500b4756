"""Table pieces every admin list shares: the card, pagination, empty state, badges."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.vars import Var


def table_card(*children: rx.Component, **props) -> rx.Component:
    return rx.card(
        rx.vstack(*children, spacing="4", width="100%"),
        size="2",
        width="100%",
        style={"--card-border-radius": "20px"},
        **props,
    )


def titled_card(title: str, icon: str, *children, **props) -> rx.Component:
    """A table card headed by an icon and an h2 title."""
    return table_card(
        rx.hstack(
            rx.icon(icon, size=18, color="var(--accent-11)"),
            rx.heading(title, size="4", as_="h2"),
            spacing="2",
            align="center",
        ),
        *children,
        **props,
    )


def scroll_table(header: list[str], body: rx.Component, **props) -> rx.Component:
    """A table that scrolls sideways on phones instead of squashing its columns."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[rx.table.column_header_cell(h, white_space="nowrap") for h in header]
                )
            ),
            rx.table.body(body),
            variant="ghost",
            size="2",
            width="100%",
            **props,
        ),
        overflow_x="auto",
        width="100%",
    )


def pagination(state, noun: tuple[str, str] = ("item", "items")) -> rx.Component:
    """Previous / next for a state mixing in `PagedListState`."""
    page, pages, total = state.page, state.pages, state.total
    on_prev, on_next = state.prev_page, state.next_page
    one, many = noun
    return rx.flex(
        rx.text(
            total,
            rx.cond(total == 1, f" {one}", f" {many}"),
            " · page ",
            page,
            " of ",
            pages,
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.button(
                rx.icon("chevron-left", size=16),
                "Previous",
                variant="soft",
                size="2",
                disabled=page <= 1,
                on_click=on_prev,
                cursor="pointer",
            ),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=16),
                variant="soft",
                size="2",
                disabled=page >= pages,
                on_click=on_next,
                cursor="pointer",
            ),
            spacing="2",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        gap="8px",
        width="100%",
        as_="nav",
        aria_label="Pagination",
    )


def empty_state(icon: str, title: str, text: str) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=28, color="var(--accent-11)"),
                background="var(--accent-3)",
                width="56px",
                height="56px",
                border_radius="18px",
            ),
            rx.text(title, weight="bold", size="3"),
            rx.text(text, size="2", color_scheme="gray", align="center", max_width="360px"),
            spacing="2",
            align="center",
        ),
        padding_y="40px",
        width="100%",
    )


def status_badge(status: Var, colors: dict[str, str]) -> rx.Component:
    return rx.match(
        status,
        *[
            (value, rx.badge(value, color_scheme=color, radius="full"))
            for value, color in colors.items()
        ],
        rx.badge(status, radius="full", color_scheme="gray"),
    )


def filter_select(
    items: list[tuple[str, str]], *, value: Var, on_change, label: str, width: str = "180px"
) -> rx.Component:
    """A labelled select; the "all" choice has the value "all" (Radix forbids empty values)."""
    return rx.select.root(
        rx.select.trigger(aria_label=label, width=width, placeholder=label),
        rx.select.content(*[rx.select.item(text, value=val) for val, text in items]),
        value=value,
        on_change=on_change,
        size="2",
    )


def clear_filters_button(filtered: Var, on_click) -> rx.Component:
    """A ghost "Clear filters" button, shown only while a filter is set."""
    return rx.cond(
        filtered,
        rx.button(
            rx.icon("x", size=14),
            "Clear filters",
            variant="ghost",
            size="2",
            on_click=on_click,
            cursor="pointer",
        ),
    )


def switch_filter(text: str, checked: Var, on_change, *, id: str) -> rx.Component:
    """An on/off filter: a switch inside its clickable label."""
    return rx.el.label(
        rx.switch(checked=checked, on_change=on_change, id=id),
        rx.text(text, size="2"),
        display="flex",
        align_items="center",
        gap="8px",
        cursor="pointer",
    )


def job_progress_bar(percent: Var, *, done: Var, failed: Var, label: str, id: str) -> rx.Component:
    """A background job's progress: violet while it runs, green when done, gone on failure."""
    return rx.cond(
        ~failed,
        rx.progress(
            value=percent,
            max=100,
            size="3",
            width="100%",
            color_scheme=rx.cond(done, "green", "violet"),
            aria_label=label,
            id=id,
        ),
    )


def toolbar(*children: rx.Component) -> rx.Component:
    """The row above a table: title, search, filters; wraps on phones."""
    return rx.flex(
        *children,
        justify="between",
        align="center",
        wrap="wrap",
        gap="8px",
        width="100%",
    )


def search_form(
    *, name: str, label: str, placeholder: str, value: Var, on_submit, icon: str = "search"
) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon(icon, size=16)),
                name=name,
                type="search",
                placeholder=placeholder,
                aria_label=label,
                default_value=value,
                size="2",
                width=["100%", "300px"],
            ),
            rx.button("Search", type="submit", variant="soft", size="2", cursor="pointer"),
            spacing="2",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        role="search",
        width=["100%", "auto"],
    )


def paged_table(
    state,
    *,
    top: rx.Component,
    header: list[str],
    row: Callable[[Var], rx.Component],
    empty: tuple[str, str, str],
    noun: tuple[str, str],
    **table_props,
) -> rx.Component:
    """A card with a toolbar, the rows of a `PagedListState` (or a spinner / empty state)
    and pagination."""
    return table_card(
        top,
        rx.cond(
            state.rows.length() > 0,
            scroll_table(header, rx.foreach(state.rows, row), **table_props),
            rx.cond(
                state.loading,
                rx.center(rx.spinner(size="3"), padding_y="40px", width="100%"),
                empty_state(*empty),
            ),
        ),
        pagination(state, noun),
    )
