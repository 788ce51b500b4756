"""`shopctl` commands, run through click against the test database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import select

from shop_core.cli import main
from shop_core.db import unit_of_work, utcnow
from shop_core.jobs.schedule import run_scheduler
from shop_core.orders.models import Order
from shop_core.settings import get_settings
from tests.integration.commerce_helpers import add, checkout, make_product, new_cart


def test_create_admin_invite_and_login(api):
    runner = CliRunner()
    created = runner.invoke(
        main, ["create-admin", "--email", "boss@example.com", "--password", "boss-pass-123"]
    )
    assert created.exit_code == 0, created.output
    codes = runner.invoke(main, ["invite", "--count", "3"])
    assert codes.exit_code == 0
    lines = codes.output.split()
    assert len(lines) == 3 and all(len(c) == 14 for c in lines)
    login = api.post(
        "/api/v1/auth/login", json={"email": "boss@example.com", "password": "boss-pass-123"}
    )
    assert login.status_code == 200
    bad = runner.invoke(main, ["create-admin", "--email", "nope", "--password", "x"])
    assert bad.exit_code == 2 and "error" in bad.output


def test_reconcile_reports_no_drift_on_a_clean_ledger():
    result = CliRunner().invoke(main, ["reconcile"])
    assert result.exit_code == 0 and "0 variant(s) drifted" in result.output


@pytest.mark.skipif(bool(get_settings().redis_url), reason="with Redis, RQ's cron runs the jobs")
def test_inline_scheduler_expires_stale_orders(api, owner_headers):
    sku = make_product(api, owner_headers, stock=3)["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku, 1)
    number = checkout(api, cart_id).json()["order_number"]
    with unit_of_work() as session:
        order = session.exec(select(Order).where(Order.number == number)).one()
        order.expires_at = utcnow() - timedelta(minutes=1)
        session.add(order)
    run_scheduler(once=True)
    assert (
        api.get(f"/api/v1/admin/orders/{number}", headers=owner_headers).json()["status"]
        == "expired"
    )
