"""The header search box: suggestions appear under it while it has focus."""

from __future__ import annotations

import reflex as rx

from shop.state.search import SearchState


def _suggestions(list_id: str) -> rx.Component:
    return rx.cond(
        SearchState.suggestions.length() > 0,
        rx.box(
            rx.el.ul(
                rx.foreach(
                    SearchState.suggestions,
                    lambda s: rx.el.li(
                        rx.link(
                            rx.hstack(
                                rx.icon("search", size=14, color="var(--gray-9)"),
                                rx.text(s.title, size="2", trim="both"),
                                spacing="2",
                                align="center",
                            ),
                            href=s.href,
                            underline="none",
                            color="var(--gray-12)",
                            display="block",
                            padding="8px 12px",
                            border_radius="10px",
                            class_name="search-suggestion",
                            _hover={"background": "var(--accent-3)"},
                            _focus_visible={"background": "var(--accent-3)", "outline": "none"},
                        ),
                        list_style="none",
                    ),
                ),
                rx.el.li(
                    rx.text(
                        "Press Enter to see all results",
                        size="1",
                        color_scheme="gray",
                        padding="6px 12px 2px",
                    ),
                    list_style="none",
                ),
                id=list_id,
                aria_label="Suggestions",
                style={"margin": "0", "padding": "0"},
            ),
            class_name="search-suggestions",
            position="absolute",
            top="calc(100% + 6px)",
            left="0",
            right="0",
            z_index="40",
            padding="6px",
            background="var(--color-panel-solid)",
            border="1px solid var(--gray-a5)",
            border_radius="16px",
            box_shadow="0 18px 40px -18px rgba(76, 29, 149, 0.35)",
        ),
    )


def search_box(field_id: str = "site-search") -> rx.Component:
    """A search form; suggestions show while focus is inside it (CSS :focus-within), so
    tabbing or clicking away hides them without a server round trip."""
    list_id = f"{field_id}-suggestions"
    return rx.form(
        rx.box(
            rx.el.label(
                "Search the shop",
                html_for=field_id,
                style={
                    "position": "absolute",
                    "width": "1px",
                    "height": "1px",
                    "overflow": "hidden",
                    "clip": "rect(0, 0, 0, 0)",
                },
            ),
            rx.debounce_input(
                rx.input(
                    rx.input.slot(rx.icon("search", size=16)),
                    id=field_id,
                    name="q",
                    type="search",
                    placeholder="Search sneakers, tees, gifts…",
                    value=SearchState.query,
                    on_change=SearchState.type_query,
                    auto_complete="off",
                    size="3",
                    radius="full",
                    width="100%",
                    variant="soft",
                    color_scheme="gray",
                    max_length=100,
                    custom_attrs={"aria-controls": list_id, "enterKeyHint": "search"},
                ),
                debounce_timeout=250,
            ),
            _suggestions(list_id),
            position="relative",
            width="100%",
            style={
                "& .search-suggestions": {"display": "none"},
                "&:focus-within .search-suggestions": {"display": "block"},
            },
        ),
        on_submit=SearchState.submit,
        reset_on_submit=False,
        role="search",
        width="100%",
    )
