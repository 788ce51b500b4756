"""Forgotten password: ask for a link (same answer whether or not the account exists),
then set a new password from the emailed link."""

from __future__ import annotations

import reflex as rx

from shop.components.forms import (
    form_alert,
    new_password_fields,
    password_mismatch,
    submit_button,
    text_field,
)
from shop.components.layout import auth_card, template
from shop.state.services import write
from shop.state.session import client_ip
from shop_core.accounts import service as accounts
from shop_core.errors import DomainError, RateLimited

SENT_MESSAGE = (
    "If an account exists for that address, we sent a link to reset your password. "
    "Check your inbox (and the spam folder) — the link works for a limited time."
)


class ForgotPasswordState(rx.State):
    sent: bool = False
    error: str = ""
    busy: bool = False

    @rx.event
    def load(self):
        self.sent = False
        self.error = ""
        self.busy = False

    @rx.event
    async def submit(self, form_data: dict):
        self.busy = True
        self.error = ""
        yield
        ip = client_ip(self)
        email = str(form_data.get("email", ""))
        try:
            await write(lambda s: accounts.request_password_reset(s, email=email, ip=ip))
        except RateLimited as exc:
            self.error = exc.message
            self.busy = False
            return
        except DomainError:
            pass  # the answer must not reveal anything about the address
        self.sent = True
        self.busy = False


class ResetPasswordState(rx.State):
    errors: dict[str, str] = {}
    error: str = ""
    busy: bool = False
    has_token: bool = True

    @rx.event
    def load(self):
        self.errors = {}
        self.error = ""
        self.busy = False
        self.has_token = bool(self.router.url.query_parameters.get("token"))

    @rx.event
    async def submit(self, form_data: dict):
        self.busy = True
        self.errors = {}
        self.error = ""
        yield
        # The token stays in the address bar; it is never copied into a state var.
        token = self.router.url.query_parameters.get("token", "")
        password = str(form_data.get("password", ""))
        if mismatch := password_mismatch(form_data):
            self.errors = mismatch
            self.busy = False
            return
        try:
            await write(
                lambda s: accounts.confirm_password_reset(s, token=token, password=password)
            )
        except DomainError as exc:
            fields = dict(exc.fields)
            bad_link = fields.pop("token", None) is not None
            self.errors = fields
            self.error = exc.message if bad_link or not fields else ""
            self.busy = False
            return
        self.busy = False
        yield [
            rx.toast.success("Password changed. Sign in with your new password."),
            rx.redirect("/login"),
        ]


@template(route="/forgot-password", title="Forgot password", on_load=ForgotPasswordState.load)
def forgot_password() -> rx.Component:
    return auth_card(
        "Forgot your password?",
        "No worries. Tell us your email and we'll send you a reset link.",
        rx.cond(
            ForgotPasswordState.sent,
            rx.vstack(
                rx.callout(
                    SENT_MESSAGE,
                    icon="mail-check",
                    color_scheme="green",
                    role="status",
                    width="100%",
                ),
                rx.link("Back to sign in", href="/login", weight="medium"),
                spacing="4",
                width="100%",
            ),
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
                    form_alert(ForgotPasswordState.error),
                    submit_button("Send reset link", loading=ForgotPasswordState.busy, icon="send"),
                    rx.link("Back to sign in", href="/login", size="2"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ForgotPasswordState.submit,
                reset_on_submit=False,
                width="100%",
            ),
        ),
    )


@template(route="/reset-password", title="Choose a new password", on_load=ResetPasswordState.load)
def reset_password() -> rx.Component:
    errors = ResetPasswordState.errors
    return auth_card(
        "Choose a new password",
        "Pick something you haven't used here before.",
        rx.cond(
            ResetPasswordState.has_token,
            rx.form(
                rx.vstack(
                    *new_password_fields(errors, repeat_label="Repeat the new password"),
                    form_alert(ResetPasswordState.error),
                    rx.cond(
                        ResetPasswordState.error != "",
                        rx.link("Ask for a new link", href="/forgot-password", size="2"),
                    ),
                    submit_button(
                        "Save new password", loading=ResetPasswordState.busy, icon="key-round"
                    ),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ResetPasswordState.submit,
                reset_on_submit=False,
                width="100%",
            ),
            rx.vstack(
                rx.callout(
                    "This page needs the link from your reset email.",
                    icon="link-2-off",
                    color_scheme="amber",
                    width="100%",
                ),
                rx.link("Ask for a reset link", href="/forgot-password", weight="medium"),
                spacing="4",
                width="100%",
            ),
        ),
    )
