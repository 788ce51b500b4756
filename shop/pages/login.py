"""Sign in with email and password; the session secret goes into the cookie."""

from __future__ import annotations

import reflex as rx

from shop.components.forms import form_alert, submit_button, switch_link, text_field
from shop.components.layout import auth_card, template
from shop.state.services import write
from shop.state.session import client_ip, current_user, remember_login, safe_next
from shop_core.accounts import service as accounts
from shop_core.errors import DomainError


class LoginState(rx.State):
    error: str = ""
    busy: bool = False

    def _next(self) -> str:
        return safe_next(self.router.url.query_parameters.get("next"))

    @rx.event
    async def load(self):
        self.error = ""
        self.busy = False
        if await current_user(self) is not None:
            return rx.redirect(self._next())

    @rx.event
    async def submit(self, form_data: dict):
        self.busy = True
        self.error = ""
        yield
        ip = client_ip(self)
        email = str(form_data.get("email", ""))
        password = str(form_data.get("password", ""))
        try:
            login = await write(
                lambda s: accounts.login_web(s, email=email, password=password, ip=ip)
            )
        except DomainError as exc:
            self.error = exc.message
            self.busy = False
            return
        await remember_login(self, login)
        self.busy = False
        yield [
            rx.toast.success(f"Hi {login.user.name.split(' ')[0]}, welcome back!"),
            rx.redirect(self._next()),
        ]


@template(route="/login", title="Sign in", on_load=LoginState.load)
def login() -> rx.Component:
    return auth_card(
        "Welcome back",
        "Sign in to see your orders, wishlist and more.",
        rx.form(
            rx.vstack(
                text_field(
                    "email",
                    "Email",
                    type="email",
                    auto_complete="email",
                    placeholder="you@example.com",
                    icon="mail",
                ),
                text_field(
                    "password",
                    "Password",
                    type="password",
                    auto_complete="current-password",
                    icon="lock",
                ),
                rx.flex(
                    rx.link("Forgot your password?", href="/forgot-password", size="2"),
                    justify="end",
                    width="100%",
                ),
                form_alert(LoginState.error),
                submit_button("Sign in", loading=LoginState.busy, icon="log-in"),
                switch_link("New here?", "Register with an invitation", "/register"),
                spacing="4",
                width="100%",
            ),
            on_submit=LoginState.submit,
            reset_on_submit=False,
            width="100%",
        ),
    )
