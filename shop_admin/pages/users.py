"""Users: search, filter by role, change a role (with confirmation)."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from shop.state.services import write
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import filter_select, paged_table, search_form, toolbar
from shop_admin.formatting import fmt_time
from shop_admin.guard import admin_event
from shop_admin.paging import PagedListState
from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.errors import DomainError

ROLE_CHOICES = accounts.role_choices()
ROLE_LABELS = dict(ROLE_CHOICES)
ROLE_FILTERS = [("all", "All roles"), *ROLE_CHOICES]
ROLE_COLORS = {
    "owner": "violet",
    "catalog_manager": "cyan",
    "support_technician": "orange",
    "marketer": "pink",
    "operations": "teal",
    "customer": "gray",
}


@dataclasses.dataclass
class UserRow:
    id: int
    name: str
    email: str
    role: str
    joined: str
    last_login: str


def to_row(view: UserView) -> UserRow:
    return UserRow(
        id=view.id,
        name=view.name,
        email=view.email,
        role=view.role,
        joined=fmt_time(view.created_at),
        last_login=fmt_time(view.last_login_at, "Never"),
    )


class UsersState(PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.USERS_VIEW

    rows: list[UserRow] = []
    query: str = ""
    role_filter: str = "all"
    can_manage: bool = False
    # The role change waiting for confirmation.
    pending_user_id: int = 0
    pending_email: str = ""
    pending_from: str = ""
    pending_role: str = ""
    changing: bool = False

    @rx.var
    def pending_to_label(self) -> str:
        return ROLE_LABELS.get(self.pending_role, self.pending_role)

    async def _fetch(self) -> None:
        q = self.query or None
        role = None if self.role_filter == "all" else self.role_filter
        items = await self._load_page(
            lambda s, page, per_page: accounts.list_users(
                s, q=q, role=role, page=page, per_page=per_page
            )
        )
        self.rows = [to_row(v) for v in items]

    def _clear_pending(self) -> None:
        self.pending_user_id = 0
        self.pending_email = self.pending_from = self.pending_role = ""

    @rx.event
    @admin_event(Perm.USERS_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        self.can_manage = actor.can(Perm.USERS_MANAGE)
        self._clear_pending()
        await self._fetch()
        self.loading = False

    @rx.event
    @admin_event(Perm.USERS_VIEW)
    async def search(self, actor: UserView, form_data: dict):
        self.query = str(form_data.get("q", "")).strip()[:100]
        self.page = 1
        await self._fetch()

    @rx.event
    @admin_event(Perm.USERS_VIEW)
    async def set_role_filter(self, actor: UserView, value: str):
        self.role_filter = value if value in ROLE_LABELS else "all"
        self.page = 1
        await self._fetch()

    @rx.event
    @admin_event(Perm.USERS_MANAGE)
    async def propose_role(
        self, actor: UserView, user_id: int, email: str, current: str, role: str
    ):
        if role == current:
            return
        self.pending_user_id = user_id
        self.pending_email = email
        self.pending_from = ROLE_LABELS.get(current, current)
        self.pending_role = role

    @rx.event
    @admin_event(Perm.USERS_MANAGE)
    async def cancel_role_change(self, actor: UserView):
        self._clear_pending()

    @rx.event
    @admin_event(Perm.USERS_MANAGE)
    async def change_role(self, actor: UserView, user_id: int, role: str):
        self.changing = True
        yield
        try:
            updated = await write(
                lambda s: accounts.change_role(s, actor=actor, user_id=int(user_id), role=role)
            )
        except DomainError as exc:
            self.changing = False
            self._clear_pending()
            yield rx.toast.error(exc.message)
            return
        self._clear_pending()
        await self._fetch()
        self.changing = False
        label = ROLE_LABELS.get(updated.role, updated.role)
        yield rx.toast.success(f"{updated.email} is now {label}.")


def _role_badge(role) -> rx.Component:
    return rx.match(
        role,
        *[
            (value, rx.badge(ROLE_LABELS[value], color_scheme=color, radius="full"))
            for value, color in ROLE_COLORS.items()
        ],
        rx.badge(role, radius="full"),
    )


def _role_select(row: UserRow) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label="Role of " + row.email, width="180px"),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in ROLE_CHOICES]),
        value=row.role,
        on_change=lambda role: UsersState.propose_role(row.id, row.email, row.role, role),
        size="2",
    )


def _row(row: UserRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.avatar(fallback=row.name[0], size="2", radius="full", variant="soft"),
                rx.vstack(
                    rx.text(row.name, weight="medium", size="2"),
                    rx.text(row.email, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(
            rx.cond(UsersState.can_manage, _role_select(row), _role_badge(row.role)),
        ),
        rx.table.cell(rx.text(row.joined, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.last_login, size="2", white_space="nowrap")),
        align="center",
    )


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Change role?"),
            rx.alert_dialog.description(
                rx.text(
                    rx.text.strong(UsersState.pending_email),
                    " goes from ",
                    rx.text.strong(UsersState.pending_from),
                    " to ",
                    rx.text.strong(UsersState.pending_to_label),
                    ". Their permissions change right away.",
                ),
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Cancel",
                        variant="soft",
                        color_scheme="gray",
                        on_click=UsersState.cancel_role_change,
                    ),
                ),
                rx.button(
                    "Change role",
                    loading=UsersState.changing,
                    on_click=UsersState.change_role(
                        UsersState.pending_user_id, UsersState.pending_role
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=UsersState.pending_user_id != 0,
    )


@admin_page(
    route="/admin/users",
    title="Users",
    permission=Perm.USERS_VIEW,
    on_load=UsersState.load,
    description="Everyone with an account: customers and staff.",
)
def users_page() -> rx.Component:
    return rx.vstack(
        paged_table(
            UsersState,
            top=toolbar(
                search_form(
                    name="q",
                    label="Search users by name or email",
                    placeholder="Search name or email",
                    value=UsersState.query,
                    on_submit=UsersState.search,
                ),
                filter_select(
                    ROLE_FILTERS,
                    value=UsersState.role_filter,
                    on_change=UsersState.set_role_filter,
                    label="Filter by role",
                ),
            ),
            header=["User", "Role", "Joined", "Last sign-in"],
            row=_row,
            empty=("users", "No users found", "Try another search or role filter."),
            noun=("user", "users"),
        ),
        _confirm_dialog(),
        spacing="5",
        width="100%",
    )
