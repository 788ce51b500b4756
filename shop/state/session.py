"""The browser session: a secret in the `shop_session` cookie, resolved by shop_core.

The cookie holds the only credential. Everything else here (name, email, role,
permissions) is for display: a browser can send any value it likes for those, so
every handler that acts for a user asks `current_user()`, which looks the cookie up
in the database again through `accounts.user_for_web_session`.
"""

from __future__ import annotations

import reflex as rx

from shop.state.services import read, write
from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView, WebLogin
from shop_core.settings import get_settings

SESSION_COOKIE = "shop_session"
SESSION_MAX_AGE = 30 * 24 * 60 * 60


def safe_next(target: str | None, default: str = "/account") -> str:
    """Only same-site paths are followed after signing in (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


class SessionState(rx.State):
    """Who is signed in, for display; the cookie is the source of truth."""

    session_token: str = rx.Cookie(
        "",
        name=SESSION_COOKIE,
        path="/",
        same_site="lax",
        max_age=SESSION_MAX_AGE,
        secure=get_settings().public_url.startswith("https://") or None,
    )
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    permissions: list[str] = []

    @rx.var
    def signed_in(self) -> bool:
        return self.user_email != ""

    @rx.var
    def is_staff(self) -> bool:
        return Perm.ADMIN_ACCESS.value in self.permissions

    @rx.var
    def first_name(self) -> str:
        return self.user_name.split(" ")[0] if self.user_name else ""

    @rx.event
    async def refresh(self):
        """Load the display vars from the cookie (every page's on_load)."""
        await current_user(self)

    @rx.event
    async def sign_out(self):
        token = self.session_token
        if token:
            await write(lambda s: accounts.logout_web(s, secret=token))
        self._show(None)
        # Emptying the var empties the cookie. (rx.remove_cookie would also re-run the
        # current page's on_load, racing the redirect below.)
        self.session_token = ""
        return [rx.redirect("/"), rx.toast.success("You are signed out. See you soon!")]

    def _show(self, user: UserView | None) -> None:
        self.user_name = user.name if user else ""
        self.user_email = user.email if user else ""
        self.user_role = user.role if user else ""
        self.permissions = list(user.permissions) if user else []


async def current_user(state: rx.State) -> UserView | None:
    """The signed-in user, resolved freshly from the cookie on the backend.

    Also refreshes the display vars, so a revoked session or a changed role shows
    at once. Never read `SessionState.permissions` to decide anything.
    """
    session = state if isinstance(state, SessionState) else await state.get_state(SessionState)
    token = session.session_token
    user = await read(lambda s: accounts.user_for_web_session(s, token)) if token else None
    session._show(user)
    if user is None and token:
        session.session_token = ""  # expired or revoked: forget it
    return user


async def remember_login(state: rx.State, login: WebLogin) -> None:
    """Store a fresh session secret in the cookie after sign-in or registration, and merge
    the browser's guest cart into the customer's cart."""
    session = await state.get_state(SessionState)
    session.session_token = login.secret
    session._show(login.user)
    # The guest's cart joins the account cart (imported here: the cart state needs this module).
    from shop.state.cart import merge_guest_cart_at_sign_in

    await merge_guest_cart_at_sign_in(state, login.user.id)


def client_ip(state: rx.State) -> str:
    """The caller's address for rate limits.

    The socket peer as Reflex saw it; a forwarded-for header is used only when
    Reflex has no address (it can be forged, so it never overrides a real one).
    """
    router = state.router
    ip = router.session.client_ip
    if ip:
        return ip
    headers = router.headers.raw_headers
    forwarded = headers.get("x-forwarded-for", "") or headers.get("x-real-ip", "")
    return forwarded.split(",")[0].strip()


def query_page(state: rx.State) -> int:
    """The 1-based page number from the `?page=` query parameter (1 when absent or bad)."""
    try:
        return max(1, int(state.router.url.query_parameters.get("page", "1")))
    except ValueError:
        return 1
