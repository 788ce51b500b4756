"""The signed-in customer's profile: edit the name, change the password, sign out."""

from __future__ import annotations

import reflex as rx

from shop.components.forms import (
    form_alert,
    new_password_fields,
    password_mismatch,
    text_field,
)
from shop.components.layout import template
from shop.state.services import write
from shop.state.session import SessionState, current_user
from shop.styles import BRAND_GRADIENT, CARD_STYLE
from shop_core.accounts import service as accounts
from shop_core.accounts.roles import ROLE_LABELS, Role
from shop_core.errors import DomainError

LOGIN_FOR_ACCOUNT = "/login?next=/account"


def role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


class AccountState(rx.State):
    loaded: bool = False
    name: str = ""
    email: str = ""
    role: str = ""
    member_since: str = ""
    name_errors: dict[str, str] = {}
    saving_name: bool = False
    password_errors: dict[str, str] = {}
    password_error: str = ""
    saving_password: bool = False

    @rx.event
    async def load(self):
        self.name_errors = {}
        self.password_errors = {}
        self.password_error = ""
        self.saving_name = self.saving_password = False
        user = await current_user(self)
        if user is None:
            self.loaded = False
            return rx.redirect(LOGIN_FOR_ACCOUNT)
        self.name = user.name
        self.email = user.email
        self.role = role_label(user.role)
        self.member_since = user.created_at.strftime("%B %Y")
        self.loaded = True

    @rx.event
    async def save_name(self, form_data: dict):
        self.saving_name = True
        self.name_errors = {}
        yield
        user = await current_user(self)
        if user is None:
            self.saving_name = False
            yield rx.redirect(LOGIN_FOR_ACCOUNT)
            return
        name = str(form_data.get("name", ""))
        try:
            updated = await write(lambda s: accounts.update_profile(s, user_id=user.id, name=name))
        except DomainError as exc:
            self.name_errors = dict(exc.fields) or {"name": exc.message}
            self.saving_name = False
            return
        self.name = updated.name
        (await self.get_state(SessionState))._show(updated)
        self.saving_name = False
        yield rx.toast.success("Name saved.")

    @rx.event
    async def change_password(self, form_data: dict):
        self.saving_password = True
        self.password_errors = {}
        self.password_error = ""
        yield
        user = await current_user(self)
        if user is None:
            self.saving_password = False
            yield rx.redirect(LOGIN_FOR_ACCOUNT)
            return
        current = str(form_data.get("current_password", ""))
        new = str(form_data.get("password", ""))
        session_token = (await self.get_state(SessionState)).session_token
        if mismatch := password_mismatch(form_data):
            self.password_errors = mismatch
            self.saving_password = False
            return
        try:
            await write(
                lambda s: accounts.change_password(
                    s,
                    user_id=user.id,
                    current_password=current,
                    new_password=new,
                    keep_web_secret=session_token,
                )
            )
        except DomainError as exc:
            self.password_errors = dict(exc.fields)
            self.password_error = "" if exc.fields else exc.message
            self.saving_password = False
            return
        self.saving_password = False
        yield [
            rx.set_value("current_password", ""),
            rx.set_value("password", ""),
            rx.set_value("password_confirm", ""),
            rx.toast.success("Password changed."),
        ]


def _section(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.heading(title, size="5"),
                rx.text(subtitle, size="2", color_scheme="gray"),
                spacing="1",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        style=CARD_STYLE,
    )


def _profile_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.box(height="72px", width="100%", background=BRAND_GRADIENT, border_radius="16px"),
            rx.avatar(
                fallback=rx.cond(AccountState.name != "", AccountState.name[0], "?"),
                size="6",
                radius="full",
                variant="solid",
                margin_top="-48px",
                style={"border": "4px solid var(--color-panel-solid)"},
            ),
            rx.heading(AccountState.name, size="6", id="profile-name"),
            rx.text(AccountState.email, color_scheme="gray", size="2"),
            rx.hstack(
                rx.badge(AccountState.role, radius="full", size="2"),
                rx.badge(
                    rx.icon("calendar-heart", size=14),
                    "Member since ",
                    AccountState.member_since,
                    radius="full",
                    size="2",
                    color_scheme="pink",
                    variant="soft",
                ),
                spacing="2",
                wrap="wrap",
                justify="center",
            ),
            rx.link(
                rx.button(
                    rx.icon("package", size=16),
                    "Your orders",
                    width="100%",
                    cursor="pointer",
                ),
                href="/account/orders",
                underline="none",
                width="100%",
            ),
            rx.link(
                rx.button(
                    rx.icon("messages-square", size=16),
                    "Support tickets",
                    variant="soft",
                    color_scheme="pink",
                    width="100%",
                    cursor="pointer",
                ),
                href="/account/support",
                underline="none",
                width="100%",
            ),
            rx.cond(
                SessionState.is_staff,
                rx.link(
                    rx.button(
                        rx.icon("layout-dashboard", size=16),
                        "Open admin",
                        variant="soft",
                        width="100%",
                        cursor="pointer",
                    ),
                    href="/admin",
                    underline="none",
                    width="100%",
                ),
            ),
            rx.button(
                rx.icon("log-out", size=16),
                "Sign out",
                variant="outline",
                color_scheme="red",
                width="100%",
                cursor="pointer",
                on_click=SessionState.sign_out,
            ),
            spacing="3",
            align="center",
            width="100%",
        ),
        size="3",
        width="100%",
        style=CARD_STYLE,
    )


def _name_form() -> rx.Component:
    return _section(
        "Your name",
        "This is how we greet you and address your parcels.",
        rx.form(
            rx.vstack(
                text_field(
                    "name",
                    "Name",
                    errors=AccountState.name_errors,
                    auto_complete="name",
                    field_id="profile_name_input",
                    default_value=AccountState.name,
                ),
                rx.flex(
                    rx.button(
                        rx.icon("check", size=16),
                        "Save name",
                        type="submit",
                        loading=AccountState.saving_name,
                        cursor="pointer",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.save_name,
            reset_on_submit=False,
            width="100%",
        ),
    )


def _password_form() -> rx.Component:
    errors = AccountState.password_errors
    return _section(
        "Change password",
        "A short sentence you can remember makes a great password.",
        rx.form(
            rx.vstack(
                text_field(
                    "current_password",
                    "Current password",
                    errors=errors,
                    type="password",
                    auto_complete="current-password",
                ),
                rx.grid(
                    *new_password_fields(errors),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                form_alert(AccountState.password_error),
                rx.flex(
                    rx.button(
                        rx.icon("key-round", size=16),
                        "Change password",
                        type="submit",
                        loading=AccountState.saving_password,
                        cursor="pointer",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.change_password,
            reset_on_submit=False,
            width="100%",
        ),
    )


def _loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), padding="80px", width="100%")


@template(route="/account", title="Your account", on_load=AccountState.load)
def account() -> rx.Component:
    return rx.cond(
        AccountState.loaded,
        rx.vstack(
            rx.vstack(
                rx.hstack(
                    rx.heading(
                        "Hey ", AccountState.name.split(" ")[0], size="8", letter_spacing="-0.02em"
                    ),
                    rx.icon("sparkles", size=28, color="var(--pink-9)", aria_hidden="true"),
                    spacing="2",
                    align="center",
                ),
                rx.text("Manage your profile and keep your account safe.", color_scheme="gray"),
                spacing="1",
            ),
            rx.grid(
                rx.box(_profile_card()),
                rx.vstack(_name_form(), _password_form(), spacing="5", width="100%"),
                columns=rx.breakpoints(initial="1", md="320px 1fr"),
                spacing="5",
                width="100%",
                align_items="start",
            ),
            spacing="5",
            width="100%",
        ),
        _loading(),
    )
