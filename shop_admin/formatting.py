"""Plain-text formatting of service values for admin tables (done on the backend)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


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
