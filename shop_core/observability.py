"""JSON logs carrying the request id, and Prometheus metrics for the HTTP API."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

from prometheus_client import Counter, Histogram
from pythonjsonlogger.json import JsonFormatter

from shop_core.settings import get_settings

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

HTTP_REQUESTS = Counter(
    "shop_http_requests_total", "HTTP API requests", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram("shop_http_request_seconds", "HTTP API latency", ["method", "route"])


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging() -> None:
    """One JSON line per record on stderr; idempotent."""
    root = logging.getLogger()
    if any(getattr(h, "_shop_json", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
    )
    handler.addFilter(_RequestIdFilter())
    handler._shop_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(get_settings().log_level.upper())
