"""Form pieces: labelled inputs with field-level errors, callouts, submit buttons.

Every input gets a visible <label for=...>; an error is linked to its input with
aria-describedby and announced with role="alert".
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

LABEL_STYLE = {
    "font_size": "var(--font-size-2)",
    "font_weight": "500",
    "color": "var(--gray-12)",
}


def field_error(errors: Var, name: str, field_id: str | None = None) -> rx.Component:
    return rx.cond(
        errors.contains(name),
        rx.text(
            errors[name],
            id=f"{field_id or name}-error",
            role="alert",
            size="2",
            color_scheme="red",
        ),
    )


def text_field(
    name: str,
    label: str,
    *,
    errors: Var | None = None,
    type: str = "text",
    placeholder: str = "",
    auto_complete: str = "off",
    required: bool = True,
    hint: str = "",
    icon: str | None = None,
    field_id: str | None = None,
    **input_props,
) -> rx.Component:
    """A label, an input named `name`, an optional hint, and its error from `errors[name]`."""
    field_id = field_id or name
    attrs: dict = {}
    if errors is not None:
        attrs["aria-invalid"] = rx.cond(errors.contains(name), "true", "false")
        attrs["aria-describedby"] = f"{field_id}-error"
    slots = [rx.input.slot(rx.icon(icon, size=16))] if icon else []
    parts: list[rx.Component] = [
        rx.el.label(label, html_for=field_id, style=LABEL_STYLE),
        rx.input(
            *slots,
            id=field_id,
            name=name,
            type=type,
            placeholder=placeholder,
            auto_complete=auto_complete,
            required=required,
            size="3",
            width="100%",
            custom_attrs=attrs,
            **input_props,
        ),
    ]
    hint_text = rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment()
    if errors is not None:
        # The error replaces the hint, so the two never repeat each other.
        parts.append(rx.cond(errors.contains(name), field_error(errors, name, field_id), hint_text))
    elif hint:
        parts.append(hint_text)
    return rx.vstack(*parts, spacing="1", width="100%", align="stretch")


def form_alert(message: Var) -> rx.Component:
    """A form-wide error (e.g. wrong password), shown above the submit button."""
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="triangle_alert",
            color_scheme="red",
            role="alert",
            size="1",
            width="100%",
        ),
    )


def submit_button(label: str, *, loading: Var, icon: str | None = None, **props) -> rx.Component:
    children = [rx.icon(icon, size=18), label] if icon else [label]
    return rx.button(
        *children,
        type="submit",
        size="3",
        loading=loading,
        width="100%",
        cursor="pointer",
        **props,
    )


MISMATCH = {"password_confirm": "The two passwords don't match."}


def password_mismatch(form_data: dict) -> dict[str, str]:
    """The field error when the new password and its repetition differ (else none)."""
    same = str(form_data.get("password", "")) == str(form_data.get("password_confirm", ""))
    return {} if same else dict(MISMATCH)


def new_password_fields(errors: Var, *, repeat_label: str = "Repeat new password") -> list:
    """The "password" and "password_confirm" inputs of a form that sets a new password."""
    return [
        text_field(
            "password",
            "New password",
            errors=errors,
            type="password",
            auto_complete="new-password",
            hint="At least 8 characters.",
        ),
        text_field(
            "password_confirm",
            repeat_label,
            errors=errors,
            type="password",
            auto_complete="new-password",
        ),
    ]


def switch_link(prompt: str, label: str, href: str) -> rx.Component:
    """The "Already have an account? Sign in" line under an auth form."""
    return rx.text(
        prompt,
        " ",
        rx.link(label, href=href, weight="medium"),
        size="2",
        color_scheme="gray",
        align="center",
        width="100%",
    )
