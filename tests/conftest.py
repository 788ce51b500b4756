"""Test fixtures: a migrated database (SQLite by default, DATABASE_URL when set), emptied
between tests, and helpers for the REST API.

The suite runs on the embedded defaults and, in CI, again against PostgreSQL + Redis.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Settings are read from the environment: pin the data folder before shop_core loads.
_DATA_DIR = Path(tempfile.mkdtemp(prefix="shop-tests-"))
os.environ["DATA_DIR"] = str(_DATA_DIR)
os.environ.setdefault("PUBLIC_URL", "http://shop.test")
os.environ.pop("SMTP_URL", None)

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import inspect, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shop_core.models  # noqa: E402,F401
from shop_core import ratelimit  # noqa: E402
from shop_core.db import dispose_engines, get_engine, unit_of_work  # noqa: E402
from shop_core.settings import get_settings, reload_settings  # noqa: E402

OWNER_PASSWORD = "owner-password-123"
CUSTOMER_PASSWORD = "customer-password-123"


def pytest_collection_modifyitems(config, items):
    # Browser tests last: their server (and its RQ worker) must not run beside the
    # integration tests that share the database and the queues.
    items.sort(key=lambda item: "/tests/e2e/" in str(item.fspath))
    settings = get_settings()
    skip_pg = pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL")
    skip_redis = pytest.mark.skip(reason="needs REDIS_URL")
    for item in items:
        if "postgres" in item.keywords and settings.is_sqlite:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.redis_url:
            item.add_marker(skip_redis)


@pytest.fixture(scope="session", autouse=True)
def migrated_database() -> Iterator[None]:
    reload_settings()
    dispose_engines()
    from shop_core.migrations import upgrade

    upgrade()
    yield
    dispose_engines()


def _empty_all_tables() -> None:
    from shop_core.catalog.search import SEARCH_TABLES

    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    engine = get_engine()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            present = set(inspect(conn).get_table_names())
            search = sorted((SEARCH_TABLES - {"product_search_vocab"}) & present)
            tables = [t for t in tables if t in present]
            conn.execute(text(f"TRUNCATE {', '.join(tables + search)} RESTART IDENTITY CASCADE"))
        else:
            present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            for name in [*tables, "product_search"]:
                if name in present:
                    conn.execute(text(f"DELETE FROM {name}"))


def _empty_job_queues() -> None:
    """Jobs left by one test refer to rows the next test no longer has."""
    if get_settings().redis_url:
        from shop_core.jobs import QUEUES, get_queue

        for name in QUEUES:
            get_queue(name).empty()


@pytest.fixture(autouse=True)
def clean_state() -> Iterator[None]:
    _empty_all_tables()
    _empty_job_queues()
    ratelimit.reset_all()
    yield


@pytest.fixture
def api() -> Iterator[TestClient]:
    from shop_core.api.app import create_api

    with TestClient(create_api(), raise_server_exceptions=False) as client:
        yield client


def make_user(email: str, password: str, role: str = "customer", name: str = "Test User"):
    from shop_core.accounts.models import User
    from shop_core.accounts.service import to_view
    from shop_core.security import hash_password

    with unit_of_work() as session:
        user = User(email=email, name=name, role=role, password_hash=hash_password(password))
        session.add(user)
        session.flush()
        return to_view(user)


def bearer(client: TestClient, email: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def owner():
    return make_user("owner@example.com", OWNER_PASSWORD, role="owner", name="Olivia Owner")


@pytest.fixture
def customer():
    return make_user("carla@example.com", CUSTOMER_PASSWORD, name="Carla Customer")


@pytest.fixture
def owner_headers(api, owner) -> dict[str, str]:
    return bearer(api, owner.email, OWNER_PASSWORD)


@pytest.fixture
def customer_headers(api, customer) -> dict[str, str]:
    return bearer(api, customer.email, CUSTOMER_PASSWORD)


@pytest.fixture
def invite_code(api, owner_headers) -> str:
    response = api.post("/api/v1/admin/invitations", json={}, headers=owner_headers)
    assert response.status_code == 201, response.text
    return response.json()["items"][0]["code"]
