"""Admin form pieces: labelled, controlled inputs whose errors come from a state dict.

Every input has a visible label tied to it (`html_for`), and its error (if any) is
linked with aria-describedby and announced with role="alert", as on the storefront.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.vars import Var

from shop.components.forms import LABEL_STYLE, field_error


def label(text: str, field_id: str, *, optional: bool = False) -> rx.Component:
    return rx.el.label(
        text,
        rx.text(" (optional)", as_="span", color_scheme="gray", weight="regular")
        if optional
        else rx.fragment(),
        html_for=field_id,
        style=LABEL_STYLE,
    )


def _error_attrs(errors: Var | None, key: str, field_id: str) -> dict:
    if errors is None:
        return {}
    return {
        "aria-invalid": rx.cond(errors.contains(key), "true", "false"),
        "aria-describedby": f"{field_id}-error",
    }


def invalid_look(errors: Var | None, key: str) -> dict:
    """A red, tinted input while its field has an error (not only a message below it)."""
    if errors is None:
        return {}
    invalid = errors.contains(key)
    return {
        "variant": rx.cond(invalid, "soft", "surface"),
        "color_scheme": rx.cond(invalid, "red", "violet"),
    }


def with_error(
    control: rx.Component, *, errors: Var | None, key: str, field_id: str, hint: str | Var = ""
) -> list[rx.Component]:
    has_hint = isinstance(hint, Var) or bool(hint)
    hint_text = rx.text(hint, size="1", color_scheme="gray") if has_hint else rx.fragment()
    if errors is None:
        return [control, hint_text]
    return [control, rx.cond(errors.contains(key), field_error(errors, key, field_id), hint_text)]


def input_field(
    field_id: str,
    text: str,
    *,
    value: Var,
    on_change,
    errors: Var | None = None,
    key: str | None = None,
    hint: str | Var = "",
    optional: bool = False,
    **props,
) -> rx.Component:
    """A label, a controlled text input and its error (looked up as `errors[key]`)."""
    key = key or field_id
    control = rx.input(
        id=field_id,
        value=value,
        on_change=on_change,
        size="3",
        width="100%",
        custom_attrs=_error_attrs(errors, key, field_id),
        **invalid_look(errors, key),
        **props,
    )
    return rx.vstack(
        label(text, field_id, optional=optional),
        *with_error(control, errors=errors, key=key, field_id=field_id, hint=hint),
        spacing="1",
        width="100%",
        align="stretch",
    )


def textarea_field(
    field_id: str,
    text: str,
    *,
    value: Var,
    on_change,
    errors: Var | None = None,
    key: str | None = None,
    hint: str | Var = "",
    optional: bool = False,
    **props,
) -> rx.Component:
    key = key or field_id
    control = rx.text_area(
        id=field_id,
        value=value,
        on_change=on_change,
        size="3",
        width="100%",
        custom_attrs=_error_attrs(errors, key, field_id),
        **invalid_look(errors, key),
        **props,
    )
    return rx.vstack(
        label(text, field_id, optional=optional),
        *with_error(control, errors=errors, key=key, field_id=field_id, hint=hint),
        spacing="1",
        width="100%",
        align="stretch",
    )


def select_field(
    field_id: str,
    text: str,
    items: list[tuple[str, str]],
    *,
    value: Var,
    on_change,
    errors: Var | None = None,
    key: str | None = None,
    hint: str = "",
) -> rx.Component:
    """A labelled select over fixed `(value, label)` choices."""
    key = key or field_id
    control = rx.select.root(
        rx.select.trigger(
            id=field_id, width="100%", custom_attrs=_error_attrs(errors, key, field_id)
        ),
        rx.select.content(*[rx.select.item(label_, value=val) for val, label_ in items]),
        value=value,
        on_change=on_change,
        size="3",
    )
    return rx.vstack(
        label(text, field_id),
        *with_error(control, errors=errors, key=key, field_id=field_id, hint=hint),
        spacing="1",
        width="100%",
        align="stretch",
    )


def choice_select(
    choices: Var,
    *,
    value: Var,
    on_change,
    label_text: str,
    field_id: str | None = None,
    width: str | list[str] = "200px",
    size: str = "2",
) -> rx.Component:
    """A select over choices known only at run time (a list of `Choice`)."""
    return rx.select.root(
        rx.select.trigger(id=field_id, aria_label=label_text, placeholder=label_text, width=width),
        rx.select.content(
            rx.foreach(choices, lambda c: rx.select.item(c.label, value=c.value)),
        ),
        value=value,
        on_change=on_change,
        size=size,
    )


def section(title: str, icon: str, *children: rx.Component, description: str = "", **props):
    """A titled card grouping part of a form."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.icon(icon, size=18),
                    width="34px",
                    height="34px",
                    border_radius="12px",
                    background="var(--accent-3)",
                    color="var(--accent-11)",
                    flex_shrink="0",
                ),
                rx.vstack(
                    rx.heading(title, size="4", as_="h2"),
                    rx.text(description, size="2", color_scheme="gray")
                    if description
                    else rx.fragment(),
                    spacing="0",
                ),
                spacing="3",
                align="center",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        style={"--card-border-radius": "20px"},
        **props,
    )


def error_summary(messages: Var, title: str = "Please fix the highlighted fields") -> rx.Component:
    """A callout listing form-wide errors (those without an input of their own)."""
    return rx.cond(
        messages.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert", size=18)),
            rx.vstack(
                rx.text(title, weight="bold", size="2"),
                rx.foreach(messages, lambda m: rx.text(m, size="2")),
                spacing="1",
            ),
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


@dataclasses.dataclass
class Choice:
    """One entry of a run-time select (`choice_select`)."""

    value: str
    label: str
