"""Turning service values into display text on the backend (the browser gets strings)."""

from __future__ import annotations

from datetime import UTC, datetime

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "AUD": "A$"}
ZERO_DECIMAL = {"JPY"}

ORDER_STATUS: dict[str, tuple[str, str]] = {
    "pending_payment": ("Awaiting payment", "amber"),
    "paid": ("Paid", "green"),
    "shipped": ("Shipped", "blue"),
    "delivered": ("Delivered", "teal"),
    "cancelled": ("Cancelled", "gray"),
    "payment_failed": ("Payment failed", "red"),
    "expired": ("Expired", "gray"),
    "partially_refunded": ("Partially refunded", "orange"),
    "refunded": ("Refunded", "orange"),
}


def money(amount: int | None, currency: str) -> str:
    """Integer minor units as text, e.g. 1250 EUR → "€12.50" (no floats on the way)."""
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if currency in ZERO_DECIMAL:
        return f"{sign}{symbol}{amount:,}"
    major, minor = divmod(amount, 100)
    return f"{sign}{symbol}{major:,}.{minor:02d}"


def price_range(low: int, high: int, currency: str) -> str:
    return money(low, currency) if low == high else f"from {money(low, currency)}"


def status_label(status: str) -> str:
    return ORDER_STATUS.get(status, (status.replace("_", " ").capitalize(), "gray"))[0]


def status_color(status: str) -> str:
    return ORDER_STATUS.get(status, ("", "gray"))[1]


def day(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%d %b %Y") if value else ""


def moment(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC") if value else ""
