"""The storefront layout: `@template(route=..., title=..., on_load=...)` wraps every page
in the header (logo, search, cart, account menu) and the footer."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import reflex as rx
from reflex.vars import Var

from shop.components.cart import cart_button, cart_drawer
from shop.components.search_box import search_box
from shop.state.cart import CartState
from shop.state.session import SessionState
from shop.styles import BRAND_GRADIENT, CONTENT_MAX_WIDTH, GUTTER, SOFT_BACKGROUND
from shop_core.settings import get_settings

SHOP_NAME = get_settings().shop_name


def as_event_list(on_load) -> list:
    if on_load is None:
        return []
    if isinstance(on_load, Sequence) and not isinstance(on_load, str):
        return list(on_load)
    return [on_load]


def logo(href: str = "/") -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("sparkles", size=18, color="white"),
                background=BRAND_GRADIENT,
                width="36px",
                height="36px",
                border_radius="12px",
                flex_shrink="0",
            ),
            rx.text(
                SHOP_NAME,
                weight="bold",
                size="5",
                color="var(--gray-12)",
                white_space="nowrap",
                letter_spacing="-0.02em",
            ),
            spacing="2",
            align="center",
        ),
        href=href,
        underline="none",
        aria_label=f"{SHOP_NAME} home",
    )


def _initials_avatar() -> rx.Component:
    return rx.avatar(
        fallback=rx.cond(SessionState.user_name != "", SessionState.user_name[0], "?"),
        size="3",
        radius="full",
        variant="solid",
    )


def account_menu() -> rx.Component:
    signed_in_menu = rx.menu.root(
        rx.menu.trigger(
            rx.button(
                _initials_avatar(),
                rx.text(SessionState.first_name, display=["none", "none", "inline"]),
                rx.icon("chevron-down", size=16),
                variant="ghost",
                radius="full",
                size="3",
                aria_label="Account menu",
                cursor="pointer",
                padding_left="4px",
            ),
        ),
        rx.menu.content(
            rx.box(
                rx.text(SessionState.user_name, size="2", weight="bold"),
                rx.text(SessionState.user_email, size="1", color_scheme="gray"),
                padding="6px 12px 8px",
            ),
            rx.menu.item(
                rx.hstack(rx.icon("user-round", size=16), rx.text("Profile"), spacing="2"),
                on_select=rx.redirect("/account"),
            ),
            rx.menu.item(
                rx.hstack(rx.icon("package", size=16), rx.text("Orders"), spacing="2"),
                on_select=rx.redirect("/account/orders"),
            ),
            rx.menu.item(
                rx.hstack(rx.icon("messages-square", size=16), rx.text("Support"), spacing="2"),
                on_select=rx.redirect("/account/support"),
            ),
            rx.cond(
                SessionState.is_staff,
                rx.menu.item(
                    rx.hstack(rx.icon("layout-dashboard", size=16), rx.text("Admin"), spacing="2"),
                    on_select=rx.redirect("/admin"),
                ),
            ),
            rx.menu.separator(),
            rx.menu.item(
                rx.hstack(rx.icon("log-out", size=16), rx.text("Sign out"), spacing="2"),
                color="red",
                on_select=SessionState.sign_out,
            ),
            align="end",
        ),
    )
    signed_out = rx.hstack(
        rx.link(
            rx.button("Sign in", variant="ghost", size="3", cursor="pointer"),
            href="/login",
            underline="none",
        ),
        rx.link(
            rx.button(
                "Register",
                size="3",
                radius="full",
                cursor="pointer",
                display=["none", "inline-flex"],
            ),
            href="/register",
            underline="none",
        ),
        spacing="2",
        align="center",
    )
    return rx.cond(SessionState.signed_in, signed_in_menu, signed_out)


def header() -> rx.Component:
    return rx.el.header(
        rx.box(
            rx.hstack(
                logo(),
                rx.box(
                    search_box("site-search"),
                    flex="1",
                    max_width="520px",
                    display=["none", "none", "block"],
                ),
                rx.hstack(cart_button(), account_menu(), spacing="3", align="center"),
                justify="between",
                align="center",
                spacing="4",
                width="100%",
            ),
            rx.box(
                search_box("site-search-phone"),
                display=["block", "block", "none"],
                padding_top="12px",
            ),
            cart_drawer(),
            max_width=CONTENT_MAX_WIDTH,
            margin="0 auto",
            padding_x=GUTTER,
            padding_y="14px",
        ),
        position="sticky",
        top="0",
        z_index="20",
        background="color-mix(in srgb, var(--color-background) 82%, transparent)",
        backdrop_filter="blur(14px)",
        border_bottom="1px solid var(--gray-a4)",
    )


def _footer_column(title: str, *links: tuple[str, str]) -> rx.Component:
    return rx.vstack(
        rx.text(title, weight="bold", size="2"),
        *[rx.link(label, href=href, size="2", color_scheme="gray") for label, href in links],
        spacing="2",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.box(
            rx.flex(
                rx.vstack(
                    logo(),
                    rx.text(
                        "Small shop, big smiles. Fresh drops every week.",
                        size="2",
                        color_scheme="gray",
                        max_width="280px",
                    ),
                    spacing="3",
                ),
                rx.flex(
                    _footer_column(
                        "Shop", ("New arrivals", "/search?sort=newest"), ("Your cart", "/cart")
                    ),
                    _footer_column(
                        "Help",
                        ("Contact support", "/support"),
                        ("Follow a ticket", "/support/track"),
                        ("Track an order", "/track"),
                        ("Returns", "/support"),
                    ),
                    _footer_column(
                        "Account",
                        ("Sign in", "/login"),
                        ("Register", "/register"),
                        ("Your orders", "/account/orders"),
                        ("Your tickets", "/account/support"),
                    ),
                    spacing="8",
                    wrap="wrap",
                ),
                direction=rx.breakpoints(initial="column", sm="row"),
                justify="between",
                spacing="6",
            ),
            rx.separator(margin_y="24px"),
            rx.text(f"© {SHOP_NAME} — made with love.", size="1", color_scheme="gray"),
            max_width=CONTENT_MAX_WIDTH,
            margin="0 auto",
            padding_x=GUTTER,
            padding_y="40px",
        ),
        border_top="1px solid var(--gray-a4)",
        background="var(--gray-2)",
        margin_top="64px",
    )


def template(
    route: str,
    title: str | Var,
    on_load=None,
    *,
    description: str | Var | None = None,
    full_width: bool = False,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a storefront page with the shared header and footer.

    Every page first refreshes who is signed in (from the cookie) and the cart badge,
    then runs its own `on_load` events. `title` and `description` may be state vars
    (product and category pages set them from their data).
    """
    full_title = title + f" · {SHOP_NAME}" if isinstance(title, Var) else f"{title} · {SHOP_NAME}"

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        @functools.wraps(content)
        def page() -> rx.Component:
            body = content()
            if not full_width:
                body = rx.box(
                    body,
                    max_width=CONTENT_MAX_WIDTH,
                    margin="0 auto",
                    padding_x=GUTTER,
                    padding_top=["24px", "32px", "48px"],
                    width="100%",
                )
            return rx.flex(
                header(),
                rx.el.main(body, flex="1", width="100%"),
                footer(),
                direction="column",
                min_height="100vh",
                background=SOFT_BACKGROUND,
            )

        rx.page(
            route=route,
            title=full_title,
            description=description,
            on_load=[SessionState.refresh, CartState.sync, *as_event_list(on_load)],
        )(page)
        return page

    return decorator


def auth_card(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
    """The centred card the sign-in, registration and password pages share."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.vstack(
                    rx.heading(title, size="7", letter_spacing="-0.02em"),
                    rx.text(subtitle, color_scheme="gray", size="3"),
                    spacing="1",
                ),
                *children,
                spacing="5",
                width="100%",
            ),
            size=rx.breakpoints(initial="3", sm="4"),
            width="100%",
            max_width="460px",
            style={
                "--card-border-radius": "24px",
                "box_shadow": "0 24px 48px -24px rgba(76, 29, 149, 0.35)",
            },
        ),
        width="100%",
        padding_y=["8px", "24px"],
    )
