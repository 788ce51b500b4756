"""Build the FastAPI application that Reflex mounts in front of its own backend."""

from __future__ import annotations

import time
import uuid

from fastapi import FastAPI, Request

from shop_core.api import (
    admin_accounts,
    admin_catalog,
    admin_catalog_csv,
    admin_customers,
    admin_orders,
    admin_reports,
    auth,
    catalog,
    ops,
    payments,
    shopping,
    support,
)
from shop_core.api.errors import install_error_handlers
from shop_core.api.media import mount_media
from shop_core.observability import HTTP_LATENCY, HTTP_REQUESTS, configure_logging, request_id_var

API_PREFIX = "/api/v1"

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_api() -> FastAPI:
    configure_logging()
    app = FastAPI(
        title="Shop API",
        version="1.0.0",
        description="REST API v1 of the shop: catalog, carts, checkout, orders, support.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    install_error_handlers(app)
    for router in (
        auth.router,
        catalog.router,
        admin_accounts.router,
        admin_catalog.router,
        admin_catalog_csv.router,
        shopping.router,
        payments.router,
        admin_orders.router,
        admin_reports.router,
        admin_customers.router,
        support.router,
        ops.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    # Load balancers and Kubernetes probe the root paths.
    app.include_router(ops.router, include_in_schema=False)
    mount_media(app)  # uploaded product images

    @app.middleware("http")
    async def _request_context(request: Request, call_next):
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        token = request_id_var.set(rid[:64])
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        route = request.scope.get("route")
        if route is not None and request.url.path.startswith(API_PREFIX):
            # Included routers keep their own path; the label names the public template.
            path = API_PREFIX + getattr(route, "path", "/other").removeprefix(API_PREFIX)
            HTTP_LATENCY.labels(request.method, path).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(request.method, path, str(response.status_code)).inc()
        response.headers["X-Request-ID"] = rid[:64]
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
