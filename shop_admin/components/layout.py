"""The admin layout: a permission-aware sidebar (a drawer on phones) around each page.

`@admin_page(route=..., title=..., permission=..., on_load=...)` registers a page whose
first on_load event checks the signed-in user on the backend: anonymous visitors go
to /login, signed-in users without the page's permission see a 403 panel. The data
loaders each page adds are guarded again by `@admin_event`, so nothing is shown or
changed without the permission, whatever the browser sends.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import reflex as rx
from reflex.vars import Var

from shop.components.layout import SHOP_NAME, as_event_list
from shop.state.session import SessionState, current_user
from shop.styles import BRAND_GRADIENT
from shop_admin.nav import ADMIN_NAV, NavItem
from shop_core.accounts.roles import Perm

SIDEBAR_WIDTH = "252px"
# Radix breakpoints: initial, xs (520), sm (768), md (1024), lg (1280).
DESKTOP_ONLY = ["none", "none", "none", "flex"]
PHONE_AND_TABLET = ["flex", "flex", "flex", "none"]


def _normalized_path(path: str) -> str:
    return "/" + path.strip("/") if path else "/admin"


class AdminShellState(rx.State):
    access: str = "checking"  # "checking" | "granted" | "denied"
    current_route: str = ""  # highlights the menu entry

    @rx.event
    async def guard_page(self, permission: str):
        """Decide what the layout shows; data is protected separately by each loader."""
        path = _normalized_path(self.router.url.path)
        self.current_route = path
        user = await current_user(self)
        if user is None:
            self.access = "checking"
            return [
                rx.toast.info("Please sign in to open the admin."),
                rx.redirect(f"/login?next={path}"),
            ]
        try:
            allowed = user.can(permission)
        except ValueError:
            allowed = False
        self.access = "granted" if allowed else "denied"


def _brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("sparkles", size=16, color="white"),
                background=BRAND_GRADIENT,
                width="32px",
                height="32px",
                border_radius="10px",
            ),
            rx.vstack(
                rx.text(SHOP_NAME, weight="bold", size="3", line_height="1.1"),
                rx.text("Back office", size="1", color_scheme="gray", line_height="1.1"),
                spacing="0",
            ),
            spacing="2",
            align="center",
        ),
        href="/admin",
        underline="none",
        color="var(--gray-12)",
    )


def _nav_link(item: NavItem) -> rx.Component:
    active = AdminShellState.current_route == item.route
    link = rx.link(
        rx.hstack(
            rx.icon(item.icon, size=18),
            rx.text(item.label, size="3", weight="medium"),
            spacing="3",
            align="center",
            padding_x="12px",
            padding_y="10px",
            border_radius="12px",
            width="100%",
            background=rx.cond(active, "var(--accent-4)", "transparent"),
            color=rx.cond(active, "var(--accent-12)", "var(--gray-11)"),
            _hover={"background": "var(--accent-3)", "color": "var(--accent-12)"},
        ),
        href=item.route,
        underline="none",
        width="100%",
        aria_current=rx.cond(active, "page", "false"),
    )
    # Display only: the pages and their handlers check the permission on the backend.
    return rx.cond(SessionState.permissions.contains(item.permission.value), link)


def nav_links() -> rx.Component:
    return rx.vstack(
        *[_nav_link(item) for item in ADMIN_NAV],
        spacing="1",
        width="100%",
        as_="nav",
        aria_label="Admin sections",
    )


def _user_footer() -> rx.Component:
    return rx.vstack(
        rx.separator(),
        rx.hstack(
            rx.avatar(
                fallback=rx.cond(SessionState.user_name != "", SessionState.user_name[0], "?"),
                size="2",
                radius="full",
                variant="solid",
            ),
            rx.vstack(
                rx.text(SessionState.user_name, size="2", weight="bold", truncate=True),
                rx.text(SessionState.user_email, size="1", color_scheme="gray", truncate=True),
                spacing="1",
                min_width="0",
                overflow="hidden",
            ),
            spacing="2",
            align="center",
            width="100%",
        ),
        rx.hstack(
            rx.link(
                rx.button(
                    rx.icon("store", size=16), "Shop", variant="soft", size="2", cursor="pointer"
                ),
                href="/",
                underline="none",
            ),
            rx.button(
                rx.icon("log-out", size=16),
                "Sign out",
                variant="ghost",
                color_scheme="red",
                size="2",
                cursor="pointer",
                on_click=SessionState.sign_out,
            ),
            spacing="2",
            justify="between",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def sidebar() -> rx.Component:
    return rx.flex(
        rx.vstack(_brand(), nav_links(), spacing="6", width="100%"),
        _user_footer(),
        direction="column",
        justify="between",
        display=DESKTOP_ONLY,
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        height="100vh",
        position="sticky",
        top="0",
        padding="20px 16px",
        background="var(--color-panel-solid)",
        border_right="1px solid var(--gray-a4)",
    )


def mobile_bar() -> rx.Component:
    return rx.flex(
        rx.drawer.root(
            rx.drawer.trigger(
                rx.icon_button(
                    rx.icon("menu", size=20),
                    variant="soft",
                    size="3",
                    aria_label="Open admin menu",
                    cursor="pointer",
                ),
            ),
            rx.drawer.portal(
                rx.drawer.overlay(z_index="40", background="rgba(20, 10, 40, 0.45)"),
                rx.drawer.content(
                    rx.flex(
                        rx.vstack(
                            rx.hstack(
                                _brand(),
                                rx.drawer.close(
                                    rx.icon_button(
                                        rx.icon("x", size=18),
                                        variant="ghost",
                                        aria_label="Close menu",
                                        cursor="pointer",
                                    ),
                                ),
                                justify="between",
                                align="center",
                                width="100%",
                            ),
                            rx.drawer.close(nav_links()),
                            spacing="6",
                            width="100%",
                        ),
                        _user_footer(),
                        direction="column",
                        justify="between",
                        height="100%",
                        padding="20px 16px",
                    ),
                    top="0",
                    left="0",
                    height="100%",
                    width="min(84vw, 300px)",
                    background="var(--color-panel-solid)",
                    z_index="50",
                ),
            ),
            direction="left",
        ),
        _brand(),
        rx.box(width="40px"),
        display=PHONE_AND_TABLET,
        justify="between",
        align="center",
        padding="12px 16px",
        position="sticky",
        top="0",
        z_index="30",
        background="color-mix(in srgb, var(--color-panel-solid) 88%, transparent)",
        backdrop_filter="blur(12px)",
        border_bottom="1px solid var(--gray-a4)",
    )


def forbidden_panel() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.center(
                    rx.icon("shield-x", size=32, color="var(--red-11)"),
                    background="var(--red-3)",
                    width="64px",
                    height="64px",
                    border_radius="20px",
                ),
                rx.heading("403 · Not for your role", size="6"),
                rx.text(
                    "Your account can't open this page. Ask an owner if you need access.",
                    color_scheme="gray",
                    align="center",
                ),
                rx.hstack(
                    rx.link(rx.button("Back to the shop", variant="soft"), href="/"),
                    rx.cond(
                        SessionState.is_staff,
                        rx.link(rx.button("Admin home"), href="/admin"),
                    ),
                    spacing="3",
                ),
                spacing="4",
                align="center",
                padding="16px",
            ),
            size="4",
            max_width="460px",
            role="alert",
        ),
        padding_y="64px",
        width="100%",
    )


def _checking() -> rx.Component:
    return rx.center(rx.spinner(size="3"), padding="96px", width="100%")


def loading_missing_or(
    loading: Var,
    missing: Var,
    detail: rx.Component,
    *,
    icon: str,
    title: tuple,
    back: tuple[str, str],
    spacing: str | None = "2",
) -> rx.Component:
    """A detail page's body: a spinner while loading, a "not found" panel with a link back
    (`back` = (text, href)) when missing, else `detail`."""
    text, href = back
    return rx.cond(
        loading,
        rx.center(rx.spinner(size="3"), padding_y="64px", width="100%"),
        rx.cond(
            missing,
            rx.center(
                rx.vstack(
                    rx.icon(icon, size=32, color="var(--gray-9)"),
                    rx.heading(*title, size="5"),
                    rx.link(text, href=href),
                    align="center",
                    **({"spacing": spacing} if spacing else {}),
                ),
                padding_y="64px",
                width="100%",
            ),
            detail,
        ),
    )


def page_header(title: str, description: str, *actions: rx.Component) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(title, size="7", letter_spacing="-0.02em"),
            rx.text(description, color_scheme="gray", size="3") if description else rx.fragment(),
            spacing="1",
        ),
        rx.hstack(*actions, spacing="2", wrap="wrap") if actions else rx.fragment(),
        direction=rx.breakpoints(initial="column", sm="row"),
        justify="between",
        align=rx.breakpoints(initial="start", sm="end"),
        gap="12px",
        width="100%",
    )


def admin_page(
    route: str,
    title: str,
    permission: Perm,
    on_load=None,
    *,
    description: str = "",
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register an admin page: layout, access check, then the page's own loaders."""

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        @functools.wraps(content)
        def page() -> rx.Component:
            body = rx.vstack(
                page_header(title, description),
                content(),
                spacing="5",
                width="100%",
                max_width="1200px",
            )
            return rx.flex(
                sidebar(),
                rx.box(
                    mobile_bar(),
                    rx.el.main(
                        rx.match(
                            AdminShellState.access,
                            ("granted", body),
                            ("denied", forbidden_panel()),
                            _checking(),
                        ),
                        padding=["16px", "20px", "28px", "36px"],
                        width="100%",
                    ),
                    flex="1",
                    min_width="0",
                ),
                width="100%",
                min_height="100vh",
                background="var(--gray-2)",
            )

        rx.page(
            route=route,
            title=f"{title} · Admin · {SHOP_NAME}",
            on_load=[AdminShellState.guard_page(permission.value), *as_event_list(on_load)],
        )(page)
        return page

    return decorator
