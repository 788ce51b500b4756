"""Accounts end to end in headless Chromium: register with an invitation, sign in, see the
profile; the owner generates an invitation in the admin. Screenshots of the main pages at
phone (390 px) and desktop (1280 px) widths go to test-artifacts/."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.support import ARTIFACTS, CODE_PATTERN, AppServer

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CUSTOMER = {"name": "Rosa Tester", "email": "rosa@example.com", "password": "rosa-likes-tea-42"}
TIMEOUT_MS = 20_000


def open_page(page, url: str) -> None:
    """Load `url` and wait until the Reflex backend has answered the page's hydration.

    The frame listener is attached as soon as the socket exists: the first delta can
    arrive before `goto` returns.
    """
    deltas: list[object] = []

    def watch(ws) -> None:
        ws.on("framereceived", lambda payload: "delta" in str(payload) and deltas.append(1))

    page.on("websocket", watch)
    try:
        page.goto(url)
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not deltas:
            assert time.monotonic() < deadline, f"{url} was not hydrated"
            page.wait_for_timeout(100)
    finally:
        page.remove_listener("websocket", watch)


def shoot(browser, storage_state, url: str, name: str) -> None:
    """Full-page screenshots of `url` at phone and desktop widths, signed in as `storage_state`."""
    for label, viewport in (("390", PHONE), ("1280", DESKTOP)):
        context = browser.new_context(viewport=viewport, storage_state=storage_state)
        page = context.new_page()
        open_page(page, url)
        page.wait_for_timeout(800)  # let on_load data and fonts settle
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        context.close()


def codes_in(page, selector: str) -> set[str]:
    return set(CODE_PATTERN.findall(page.locator(selector).inner_text()))


def test_register_sign_in_and_admin_invitations(app_server: AppServer, browser):
    base = app_server.base_url
    ARTIFACTS.mkdir(exist_ok=True)
    shoot(browser, None, f"{base}/", "home")
    shoot(browser, None, f"{base}/register", "register")

    # A customer registers with the code from `shopctl invite` and lands on the profile.
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, f"{base}/register")
    page.get_by_label("Invitation code").fill(app_server.invite_code)
    page.get_by_label("Your name").fill(CUSTOMER["name"])
    page.get_by_label("Email").fill(CUSTOMER["email"])
    page.get_by_label("Password").fill(CUSTOMER["password"])
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/account/?$"), timeout=TIMEOUT_MS)
    page.locator("#profile-name").filter(has_text=CUSTOMER["name"]).wait_for(timeout=TIMEOUT_MS)

    # Signing out and in again shows the same profile.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/$"), timeout=TIMEOUT_MS)
    open_page(page, f"{base}/login")
    page.get_by_label("Email").fill(CUSTOMER["email"])
    page.get_by_label("Password").fill(CUSTOMER["password"])
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/account/?$"), timeout=TIMEOUT_MS)
    page.locator("#profile-name").filter(has_text=CUSTOMER["name"]).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text(CUSTOMER["email"]).first.is_visible()
    # The session lives in the browser's cookie, so a reload keeps the customer signed in.
    assert "shop_session" in {c["name"] for c in context.cookies()}
    page.reload()
    page.locator("#profile-name").filter(has_text=CUSTOMER["name"]).wait_for(timeout=TIMEOUT_MS)
    shoot(browser, context.storage_state(), f"{base}/account", "account")

    # A customer is kept out of the admin.
    open_page(page, f"{base}/admin/invitations")
    page.get_by_text("403 · Not for your role").wait_for(timeout=TIMEOUT_MS)
    context.close()

    # The owner signs in, opens the invitations and generates a code.
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, f"{base}/login?next=/admin/invitations")
    page.get_by_label("Email").fill(app_server.owner_email)
    page.get_by_label("Password").fill(app_server.owner_password)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"^[^?]*/admin/invitations/?$"), timeout=TIMEOUT_MS)
    table = page.locator("#invitations-table")
    table.get_by_text(app_server.invite_code).wait_for(timeout=TIMEOUT_MS)
    # Signed in at an admin page, the owner stays signed in across a reload too.
    assert "shop_session" in {c["name"] for c in context.cookies()}
    page.reload()
    table.get_by_text(app_server.invite_code).wait_for(timeout=TIMEOUT_MS)
    before = codes_in(page, "#invitations-table")
    assert app_server.invite_code in before

    page.get_by_role("button", name="Generate").click()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    new_codes: set[str] = set()
    while time.monotonic() < deadline and not new_codes:
        new_codes = codes_in(page, "#invitations-table") - before
        page.wait_for_timeout(250)
    assert len(new_codes) == 1, "the generated code should appear in the table"
    (new_code,) = new_codes
    row = table.locator("tr", has_text=new_code)
    assert row.get_by_text("active").is_visible()
    # The code used at registration says who used it.
    used_row = table.locator("tr", has_text=app_server.invite_code)
    assert used_row.get_by_text(CUSTOMER["email"]).is_visible()

    shoot(browser, context.storage_state(), f"{base}/admin/invitations", "admin-invitations")
    context.close()
