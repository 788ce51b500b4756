"""Loading, empty and not-found panels, breadcrumbs and status badges the pages share."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from shop.styles import CARD_STYLE

SR_ONLY = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "padding": "0",
    "margin": "-1px",
    "overflow": "hidden",
    "clip": "rect(0, 0, 0, 0)",
    "white_space": "nowrap",
    "border": "0",
}


def sr_only(text: str | Var) -> rx.Component:
    """Text for screen readers only (e.g. "Was" before a struck-through price)."""
    return rx.el.span(text, style=SR_ONLY)


def loading_panel(label: str = "Loading…") -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.spinner(size="3"),
            rx.text(label, size="2", color_scheme="gray"),
            align="center",
            spacing="3",
        ),
        padding="80px 16px",
        width="100%",
        role="status",
        aria_live="polite",
    )


def empty_panel(
    icon: str,
    title: str | Var,
    message: str | Var,
    *actions: rx.Component,
    tone: str = "violet",
) -> rx.Component:
    """A friendly centred message with an illustration-like icon and a way forward."""
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=34, color=f"var(--{tone}-11)"),
                background=f"var(--{tone}-3)",
                width="76px",
                height="76px",
                border_radius="24px",
                aria_hidden="true",
            ),
            rx.heading(title, size="6", align="center", letter_spacing="-0.02em"),
            rx.text(message, color_scheme="gray", align="center", max_width="420px"),
            rx.flex(*actions, spacing="3", wrap="wrap", justify="center"),
            spacing="3",
            align="center",
        ),
        padding=["48px 8px", "72px 16px"],
        width="100%",
    )


def not_found_panel(what: str, message: str) -> rx.Component:
    return empty_panel(
        "search-x",
        f"We couldn't find that {what}",
        message,
        rx.link(
            rx.button(rx.icon("house", size=16), "Back to the shop", size="3", radius="full"),
            href="/",
            underline="none",
        ),
        tone="pink",
    )


def breadcrumbs(crumbs: Var) -> rx.Component:
    """A trail of {label, href} items; the last one (no href) is the current page."""
    return rx.el.nav(
        rx.flex(
            rx.foreach(
                crumbs,
                lambda crumb, i: rx.fragment(
                    rx.cond(
                        i > 0,
                        rx.icon(
                            "chevron-right", size=14, color="var(--gray-9)", aria_hidden="true"
                        ),
                    ),
                    rx.cond(
                        crumb.href != "",
                        rx.link(crumb.label, href=crumb.href, size="2", color_scheme="gray"),
                        rx.text(
                            crumb.label,
                            size="2",
                            weight="medium",
                            custom_attrs={"aria-current": "page"},
                            trim="both",
                        ),
                    ),
                ),
            ),
            align="center",
            spacing="1",
            wrap="wrap",
        ),
        aria_label="Breadcrumb",
        width="100%",
    )


def status_badge(label: Var | str, color: Var | str, **props) -> rx.Component:
    props = {"radius": "full", "variant": "soft", "size": "2", **props}
    return rx.badge(label, color_scheme=color, **props)


def card(*children: rx.Component, **props) -> rx.Component:
    props.setdefault("size", "3")
    props.setdefault("width", "100%")
    return rx.card(*children, style=CARD_STYLE, **props)


def summary_row(
    label: str | Var, value: Var | str, *, strong: bool = False, **props
) -> rx.Component:
    size = "4" if strong else "2"
    return rx.hstack(
        rx.text(label, size=size, weight="bold" if strong else "regular"),
        rx.spacer(),
        rx.text(value, size=size, weight="bold" if strong else "medium", **props),
        width="100%",
        align="center",
    )
