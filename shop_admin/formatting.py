"""Plain-text formatting of service values for admin tables (done on the backend)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shop_core.money import format_money, minor_digits


def fmt_time(value: datetime | None, empty: str = "—") -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else empty


def fmt_change(values: dict[str, Any] | None) -> str:
    """An audit before/after snapshot as compact `key: value` text."""
    if not values:
        return "—"
    return ", ".join(
        f"{key}: {json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}"
        for key, value in sorted(values.items())
    )


# --- money: integer minor units in the services, decimals in the admin's inputs -------------

_MONEY_TEXT = re.compile(r"^\d+(?:[.,]\d+)?$")


def money_text(amount: int | None, currency: str) -> str:
    """Minor units as the plain decimal an input shows: 1250 → "12.50" ("" for None)."""
    if amount is None:
        return ""
    digits = minor_digits(currency)
    value = Decimal(amount).scaleb(-digits)
    return f"{value:.{digits}f}"


def fmt_money(amount: int | None, currency: str, empty: str = "—") -> str:
    """Minor units for display: 1250 EUR → "€12.50", with thousands separators."""
    return empty if amount is None else format_money(amount, currency)


def parse_money(text: str, currency: str) -> int | None:
    """A typed decimal amount in minor units: "12.5" → 1250; "" → None.

    Raises ValueError with a message for the field when it is not a plain amount
    (no signs, no more decimals than the currency has).
    """
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    if not _MONEY_TEXT.match(cleaned):
        raise ValueError("Enter an amount like 12.50.")
    value = Decimal(cleaned.replace(",", "."))
    digits = minor_digits(currency)
    minor = value.scaleb(digits)
    if minor != minor.to_integral_value():
        raise ValueError(
            "Whole amounts only." if digits == 0 else f"At most {digits} decimals, like 12.50."
        )
    return int(minor)


def parse_count(text: str, *, allow_negative: bool = False) -> int | None:
    """A typed whole number: "12" → 12; "" → None; raises ValueError with a message."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    sign = -1 if allow_negative and cleaned.startswith("-") else 1
    digits = cleaned[1:] if sign < 0 or cleaned.startswith("+") else cleaned
    if not digits.isdigit():
        raise ValueError(
            "Enter a whole number." if allow_negative else "Enter a whole number, 0 or more."
        )
    return sign * int(digits)
