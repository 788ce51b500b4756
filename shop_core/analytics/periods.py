"""Date ranges for the dashboard and reports, and the SQL bucket expression per dialect.

A `Period` is a half-open UTC range `[start, end)`. Presets end at the end of today (UTC)
and cover the N most recent days including today; `Period.previous()` is the range of
the same length right before it, for "change against the previous period".

`bucket(column, granularity, dialect)` is the one place that knows how each database
truncates a timestamp to its day, ISO week (Monday) or month (the bucket's first day,
sortable; `bucket_key` turns what the database returns into 'YYYY-MM-DD').
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import Date, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from shop_core.db import utcnow
from shop_core.errors import InvalidInput

Granularity = Literal["day", "week", "month"]
GRANULARITIES: tuple[str, ...] = ("day", "week", "month")

# Preset key -> number of days (today included).
PRESETS: dict[str, int] = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
PRESET_LABELS: dict[str, str] = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "365d": "Last 12 months",
    "custom": "Custom range",
}
MAX_DAYS = 3 * 366


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    """`[start, end)` in UTC; both aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Period bounds must be timezone-aware (UTC).")
        if self.end <= self.start:
            raise InvalidInput(
                "The end date must be after the start date.",
                fields={"end": "Must be after the start date."},
            )

    @property
    def days(self) -> int:
        """Length in whole days (rounded up)."""
        seconds = (self.end - self.start).total_seconds()
        return max(1, int(-(-seconds // 86400)))

    @property
    def first_day(self) -> date:
        return self.start.astimezone(UTC).date()

    @property
    def last_day(self) -> date:
        """The last calendar day inside the range."""
        return (self.end - timedelta(microseconds=1)).astimezone(UTC).date()

    def previous(self) -> Period:
        """The range of the same length that ends where this one starts."""
        return Period(self.start - (self.end - self.start), self.start)

    def default_granularity(self) -> Granularity:
        if self.days <= 45:
            return "day"
        if self.days <= 190:
            return "week"
        return "month"

    def label(self) -> str:
        return f"{self.first_day.isoformat()} – {self.last_day.isoformat()}"

    @classmethod
    def last_days(cls, days: int, *, today: date | None = None) -> Period:
        """The `days` most recent calendar days, today included."""
        if not 1 <= days <= MAX_DAYS:
            raise InvalidInput(
                f"A period is 1 to {MAX_DAYS} days long.", fields={"days": "Out of range."}
            )
        today = today or utcnow().date()
        end = _midnight(today + timedelta(days=1))
        return cls(end - timedelta(days=days), end)

    @classmethod
    def preset(cls, key: str, *, today: date | None = None) -> Period:
        """One of PRESETS ("7d", "30d", "90d", "365d")."""
        if key not in PRESETS:
            raise InvalidInput(
                "Unknown period.", fields={"period": f"One of {', '.join(PRESETS)} or custom."}
            )
        return cls.last_days(PRESETS[key], today=today)

    @classmethod
    def custom(cls, first_day: date | str, last_day: date | str) -> Period:
        """From `first_day` to `last_day`, both included (dates or 'YYYY-MM-DD')."""
        first, last = _parse_day(first_day, "start"), _parse_day(last_day, "end")
        if last < first:
            raise InvalidInput(
                "The end date must not be before the start date.",
                fields={"end": "Must not be before the start date."},
            )
        if (last - first).days + 1 > MAX_DAYS:
            raise InvalidInput(
                f"A period is at most {MAX_DAYS} days long.", fields={"end": "Range too long."}
            )
        return cls(_midnight(first), _midnight(last + timedelta(days=1)))


def resolve_period(
    preset: str | None = "30d",
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    today: date | None = None,
) -> Period:
    """What a UI or API asks for: a preset key, or "custom" with start and end days."""
    if preset in (None, "", "custom"):
        if start in (None, "") or end in (None, ""):
            raise InvalidInput(
                "Choose a start and an end date.",
                fields={"start": "Required.", "end": "Required."},
            )
        return Period.custom(start, end)
    return Period.preset(preset, today=today)


def check_granularity(granularity: str) -> Granularity:
    if granularity not in GRANULARITIES:
        raise InvalidInput(
            "Unknown granularity.", fields={"granularity": "One of day, week, month."}
        )
    return granularity  # type: ignore[return-value]


def _parse_day(value: date | str, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InvalidInput("Dates are YYYY-MM-DD.", fields={field: "Use YYYY-MM-DD."}) from exc


# --- buckets ----------------------------------------------------------------------------


def bucket(column: ColumnElement, granularity: str, dialect: str) -> ColumnElement[str]:
    """SQL for the first day of `column`'s day/week/month bucket: 'YYYY-MM-DD' text on
    SQLite (which stores UTC timestamps as text), a DATE on PostgreSQL (timestamptz
    truncated in UTC); both sort in time order, and `bucket_key` reads either back.
    Weeks start on Monday (ISO) on both.
    """
    check_granularity(granularity)
    if dialect == "sqlite":
        if granularity == "day":
            return func.strftime("%Y-%m-%d", column)
        if granularity == "week":
            # 'weekday 0' moves forward to Sunday (or stays); six days back is Monday.
            return func.date(column, "weekday 0", "-6 days")
        return func.strftime("%Y-%m-01", column)
    if dialect == "postgresql":
        # A date, not text: formatting every row (to_char) costs more than the grouping.
        utc = column.op("AT TIME ZONE")(literal_column("'UTC'"))
        return cast(func.date_trunc(granularity, utc), Date)
    raise NotImplementedError(f"no bucket expression for {dialect}")


def bucket_key(value: date | str | None) -> str:
    """A bucket value as read back ('YYYY-MM-DD' text or a date) as 'YYYY-MM-DD'."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def bucket_start(day: date, granularity: str) -> date:
    """The bucket a calendar day falls in (the Python twin of `bucket`)."""
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bucket_starts(period: Period, granularity: str) -> list[date]:
    """Every bucket the period touches, in order (to draw empty buckets as zero)."""
    check_granularity(granularity)
    out: list[date] = []
    current = bucket_start(period.first_day, granularity)
    last = period.last_day
    while current <= last:
        out.append(current)
        if granularity == "day":
            current += timedelta(days=1)
        elif granularity == "week":
            current += timedelta(days=7)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def tune_for_analytics(session) -> None:
    """Per-transaction PostgreSQL settings for big aggregates: enough work_mem to hash
    (not sort on disk) grouped rows, and no JIT, whose compile time (~100 ms) costs more
    than it saves on queries of this size. No-op elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    session.execute(text("SET LOCAL work_mem = '64MB'"))
    session.execute(text("SET LOCAL jit = off"))
