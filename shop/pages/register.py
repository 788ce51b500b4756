"""Registration with an invitation code; signs the new customer in on success."""

from __future__ import annotations

import reflex as rx

from shop.components.forms import form_alert, submit_button, switch_link, text_field
from shop.components.layout import auth_card, template
from shop.state.services import write
from shop.state.session import client_ip, current_user, remember_login
from shop_core.accounts import service as accounts
from shop_core.errors import DomainError


class RegisterState(rx.State):
    errors: dict[str, str] = {}
    error: str = ""
    busy: bool = False
    invite_code: str = ""

    @rx.event
    async def load(self):
        self.errors = {}
        self.error = ""
        self.busy = False
        self.invite_code = self.router.url.query_parameters.get("code", "")
        if await current_user(self) is not None:
            return rx.redirect("/account")

    @rx.event
    def set_invite_code(self, value: str):
        self.invite_code = value

    @rx.event
    async def submit(self, form_data: dict):
        self.busy = True
        self.errors = {}
        self.error = ""
        yield
        ip = client_ip(self)
        name = str(form_data.get("name", ""))
        email = str(form_data.get("email", ""))
        password = str(form_data.get("password", ""))
        code = str(form_data.get("invite_code", ""))

        def register_and_sign_in(session):
            user = accounts.register(
                session, invite_code=code, name=name, email=email, password=password, ip=ip
            )
            return accounts.login_web(session, email=user.email, password=password, ip=ip)

        try:
            login = await write(register_and_sign_in)
        except DomainError as exc:
            self.errors = dict(exc.fields)
            self.error = "" if exc.fields else exc.message
            self.busy = False
            return
        await remember_login(self, login)
        self.busy = False
        yield [
            rx.toast.success(f"Welcome aboard, {login.user.name}! Your account is ready."),
            rx.redirect("/account"),
        ]


@template(route="/register", title="Create your account", on_load=RegisterState.load)
def register() -> rx.Component:
    errors = RegisterState.errors
    return auth_card(
        "Join the club",
        "Registration is by invitation. Pop in your code and you're in.",
        rx.form(
            rx.vstack(
                text_field(
                    "invite_code",
                    "Invitation code",
                    errors=errors,
                    placeholder="ABCD-EFGH-JKMN",
                    icon="ticket",
                    value=RegisterState.invite_code,
                    on_change=RegisterState.set_invite_code,
                    style={"text_transform": "uppercase", "letter_spacing": "0.06em"},
                ),
                text_field(
                    "name",
                    "Your name",
                    errors=errors,
                    auto_complete="name",
                    placeholder="Alex Rivera",
                ),
                text_field(
                    "email",
                    "Email",
                    errors=errors,
                    type="email",
                    auto_complete="email",
                    placeholder="you@example.com",
                ),
                text_field(
                    "password",
                    "Password",
                    errors=errors,
                    type="password",
                    auto_complete="new-password",
                    hint="At least 8 characters.",
                ),
                form_alert(RegisterState.error),
                submit_button("Create account", loading=RegisterState.busy, icon="party-popper"),
                switch_link("Already have an account?", "Sign in", "/login"),
                spacing="4",
                width="100%",
            ),
            on_submit=RegisterState.submit,
            reset_on_submit=False,
            width="100%",
        ),
    )
