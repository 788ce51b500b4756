"""Admin home: a welcome and a few quick counts (KPIs and charts come in a later issue)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from shop.state.services import read
from shop.state.session import SessionState
from shop.styles import BRAND_GRADIENT
from shop_admin.components.layout import admin_page
from shop_admin.guard import admin_event
from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.email import service as emails
from shop_core.invitations import service as invitations


@dataclasses.dataclass
class StatCard:
    label: str
    value: str
    icon: str
    href: str
    color: str


def _counts(session, actor: UserView) -> list[StatCard]:
    """Only the numbers this user may see; each is one cheap COUNT through a service."""
    cards: list[StatCard] = []
    if actor.can(Perm.USERS_VIEW):
        total = accounts.list_users(session, page=1, per_page=1).total
        customers = accounts.list_users(session, role="customer", page=1, per_page=1).total
        cards.append(StatCard("Customers", str(customers), "heart", "/admin/users", "pink"))
        cards.append(StatCard("Staff", str(total - customers), "users", "/admin/users", "violet"))
    if actor.can(Perm.INVITATIONS_MANAGE):
        active = invitations.list_invitations(session, status="active", page=1, per_page=1).total
        cards.append(
            StatCard("Active invitations", str(active), "ticket", "/admin/invitations", "green")
        )
    if actor.can(Perm.EMAILS_VIEW):
        failed = emails.list_emails(session, status="failed", page=1, per_page=1).total
        cards.append(
            StatCard("Failed emails", str(failed), "mail-warning", "/admin/emails", "amber")
        )
    return cards


class DashboardState(rx.State):
    cards: list[StatCard] = []
    loading: bool = False

    @rx.event
    @admin_event(Perm.ADMIN_ACCESS)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        self.cards = await read(lambda s: _counts(s, actor))
        self.loading = False


def _card(card: StatCard) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.center(
                    rx.icon(card.icon, size=22),
                    width="48px",
                    height="48px",
                    border_radius="16px",
                    background="var(--" + card.color + "-3)",
                    color="var(--" + card.color + "-11)",
                    flex_shrink="0",
                ),
                rx.vstack(
                    rx.text(card.label, size="2", color_scheme="gray"),
                    rx.heading(card.value, size="7"),
                    spacing="0",
                ),
                spacing="4",
                align="center",
            ),
            size="3",
            style={"--card-border-radius": "20px"},
            _hover={"box_shadow": "0 12px 28px -18px rgba(76, 29, 149, 0.5)"},
        ),
        href=card.href,
        underline="none",
        color="inherit",
    )


@admin_page(
    route="/admin",
    title="Dashboard",
    permission=Perm.ADMIN_ACCESS,
    on_load=DashboardState.load,
    description="A quick look at the shop. Charts and KPIs are on their way.",
)
def dashboard_page() -> rx.Component:
    return rx.vstack(
        rx.box(
            rx.vstack(
                rx.heading("Hi ", SessionState.first_name, "!", size="6", color="white"),
                rx.text(
                    "Pick a section from the menu. You only see what your role lets you manage.",
                    color="rgba(255,255,255,0.9)",
                ),
                spacing="2",
            ),
            width="100%",
            padding=["20px", "28px"],
            border_radius="24px",
            background=BRAND_GRADIENT,
            box_shadow="0 18px 40px -24px rgba(124, 58, 237, 0.7)",
        ),
        rx.cond(
            DashboardState.loading & (DashboardState.cards.length() == 0),
            rx.center(rx.spinner(size="3"), padding_y="32px", width="100%"),
            rx.grid(
                rx.foreach(DashboardState.cards, _card),
                columns=rx.breakpoints(initial="1", xs="2", md="4"),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="5",
        width="100%",
    )
