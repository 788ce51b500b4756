"""Money as text. Services keep integer minor units; this is the one place that turns
them into what people read (timeline entries, messages, the admin's tables)."""

from __future__ import annotations

from decimal import Decimal

ZERO_DECIMAL = {"BIF", "CLP", "JPY", "KRW", "PYG", "VND", "XAF", "XOF"}
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF ", "JPY": "¥"}


def minor_digits(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def format_money(amount: int, currency: str) -> str:
    """Minor units for display: 1250 EUR → "€12.50", 123456 USD → "$1,234.56",
    500 JPY → "¥500", 1250 SEK → "12.50 SEK" (no floats on the way)."""
    digits = minor_digits(currency)
    sign = "−" if amount < 0 else ""
    number = f"{Decimal(abs(amount)).scaleb(-digits):,.{digits}f}"
    symbol = SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency.upper()}"
