"""Admin Reflex event handlers check permissions on the backend, whatever the browser sends.

Each test drives the real handlers the way Reflex does (`process_event` inside an
`EventContext`, with the payload the browser would send) against a real SQLite
database, with users and sessions made through the shop_core services. A refused
handler must emit an error toast and change nothing: not the database, not its state.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import reflex as rx
from reflex.istate.manager.memory import StateManagerMemory
from reflex_base.event.context import EventContext
from reflex_base.event.processor.base_state_processor import process_event
from sqlmodel import SQLModel

import shop_core.models  # noqa: F401  (every table, for create_all)
from shop.state.session import SessionState
from shop_admin.pages import audit as audit_page
from shop_admin.pages import dashboard as dashboard_page
from shop_admin.pages import emails as emails_page
from shop_admin.pages import invitations as invitations_page
from shop_admin.pages import users as users_page
from shop_admin.pages.invitations import InvitationsState
from shop_admin.pages.users import UsersState
from shop_core import ratelimit
from shop_core.accounts import service as accounts
from shop_core.audit import service as audit
from shop_core.audit.service import Actor
from shop_core.db import dispose_engines, get_engine, read_session, unit_of_work
from shop_core.invitations import service as invitations
from shop_core.settings import reload_settings

PASSWORD = "a-good-password-42"
ADMIN_STATES = [
    audit_page.AuditState,
    dashboard_page.DashboardState,
    emails_page.EmailsState,
    invitations_page.InvitationsState,
    users_page.UsersState,
]


# --- fixtures: a real database, real users and real browser sessions ------------------


@pytest.fixture(scope="module")
def ui_database(tmp_path_factory) -> Iterator[None]:
    """A fresh SQLite file for this module (DATABASE_URL, when set, wins as everywhere)."""
    previous = os.environ.get("DATA_DIR")
    os.environ["DATA_DIR"] = str(tmp_path_factory.mktemp("ui-permissions"))
    reload_settings()
    dispose_engines()
    SQLModel.metadata.create_all(get_engine())
    yield
    dispose_engines()
    if previous is None:
        os.environ.pop("DATA_DIR", None)
    else:
        os.environ["DATA_DIR"] = previous
    reload_settings()
    dispose_engines()


@pytest.fixture
def db(ui_database) -> None:
    ratelimit.reset_all()


def _email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def _sign_in(email: str) -> str:
    """A browser session secret, as `login_web` puts it in the shop_session cookie."""
    with unit_of_work() as session:
        login = accounts.login_web(
            session, email=email, password=PASSWORD, ip=f"10.0.{uuid.uuid4().int % 250}.1"
        )
    return login.secret


@pytest.fixture
def owner(db) -> accounts.UserView:
    with unit_of_work() as session:
        return accounts.create_or_reset_owner(
            session, email=_email("owner"), password=PASSWORD, name="Olivia Owner"
        )


def _register_customer(owner: accounts.UserView, name: str = "Carla Customer"):
    with unit_of_work() as session:
        (code,) = invitations.create_invitations(session, actor=owner.actor, count=1)
        return accounts.register(
            session, invite_code=code.code, name=name, email=_email("customer"), password=PASSWORD
        )


@pytest.fixture
def customer(owner) -> accounts.UserView:
    return _register_customer(owner)


@pytest.fixture
def marketer(owner) -> accounts.UserView:
    """Staff (admin.access) without invitations.manage or users.manage."""
    user = _register_customer(owner, name="Mia Marketer")
    with unit_of_work() as session:
        return accounts.change_role(session, actor=owner, user_id=user.id, role="marketer")


@pytest.fixture
def active_code(owner) -> str:
    with unit_of_work() as session:
        (view,) = invitations.create_invitations(session, actor=owner.actor, count=1)
    return view.code


# --- a browser tab, as the Reflex backend sees it ----------------------------------------


class Tab:
    """One client's state tree; `send` processes an event exactly like the Reflex backend."""

    def __init__(self, session_secret: str = "") -> None:
        self.root = rx.State()
        self.session_secret = session_secret
        self.frontend_events: list[Any] = []

    def send(self, state_cls: type[rx.State], handler: str, **payload: Any) -> list[str]:
        """Run `handler` with the browser's payload; returns the JS of the frontend events."""
        # A loop of its own in a worker thread: other tests (Playwright's sync API) may
        # leave an event loop running in this one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, self._send(state_cls, handler, payload)).result()

    async def _send(self, state_cls, handler: str, payload: dict) -> list[str]:
        emitted: list[Any] = []

        async def emit_event(_token, *events):
            emitted.extend(events)

        async def ignore(*_args, **_kwargs):
            return None

        ctx = EventContext(
            token="test-tab",
            state_manager=StateManagerMemory(),
            enqueue_impl=ignore,
            emit_delta_impl=ignore,
            emit_event_impl=emit_event,
        )
        reset = EventContext.set(ctx)
        try:
            session = await self.root.get_state(SessionState)
            session.session_token = self.session_secret  # what the cookie carries
            state = await self.root.get_state(state_cls)
            await process_event(
                handler=state_cls.event_handlers[handler],
                payload=payload,
                state=state,
                root_state=self.root,
            )
        finally:
            EventContext.reset(reset)
        self.frontend_events.extend(emitted)
        return [str(event.payload.get("function", "")) for event in emitted]

    def state(self, state_cls: type[rx.State]) -> Any:
        return self.root.get_substate(state_cls.get_full_name().split(".")[1:])


def _invitation_count() -> int:
    with read_session() as session:
        return invitations.list_invitations(session, page=1, per_page=1).total


def _invitation_status(code: str) -> str:
    with read_session() as session:
        page = invitations.list_invitations(session, page=1, per_page=100)
    return next(v.status.value for v in page.items if v.code == code)


def _role_of(user_id: int) -> str:
    with read_session() as session:
        return accounts.get_user(session, user_id).role


def _audit_actions() -> list[str]:
    with read_session() as session:
        return [e.action for e in audit.list_entries(session, page=1, per_page=100).items]


def _refused(events: list[str], message: str) -> bool:
    return any('["error"]' in js and message in js for js in events)


FORM = {"count": "3", "max_uses": "1", "expires_at": ""}


# --- refusals ----------------------------------------------------------------------------


def test_customer_cannot_generate_invitations(customer):
    tab = Tab(_sign_in(customer.email))
    before_count, before_audit = _invitation_count(), _audit_actions()

    events = tab.send(InvitationsState, "generate", form_data=FORM)

    assert _refused(events, "permission")
    assert _invitation_count() == before_count
    assert _audit_actions() == before_audit
    state = tab.state(InvitationsState)
    assert state.fresh_codes == [] and state.rows == [] and state.generating is False


def test_customer_cannot_disable_an_invitation(customer, active_code):
    tab = Tab(_sign_in(customer.email))
    before_audit = _audit_actions()

    events = tab.send(InvitationsState, "disable", code=active_code)

    assert _refused(events, "permission")
    assert _invitation_status(active_code) == "active"
    assert _audit_actions() == before_audit


def test_customer_cannot_change_a_role_not_even_their_own(customer, owner):
    tab = Tab(_sign_in(customer.email))

    events = tab.send(UsersState, "change_role", user_id=customer.id, role="owner")
    events += tab.send(UsersState, "change_role", user_id=owner.id, role="customer")

    assert _refused(events, "permission")
    assert _role_of(customer.id) == "customer"
    assert _role_of(owner.id) == "owner"
    assert "user.role_changed" not in _audit_actions()


def test_customer_cannot_list_users_or_read_emails(customer):
    tab = Tab(_sign_in(customer.email))

    events = tab.send(UsersState, "load")
    events += tab.send(emails_page.EmailsState, "open_message", message_id=1)

    assert _refused(events, "permission")
    assert tab.state(UsersState).rows == []
    assert tab.state(emails_page.EmailsState).open_html == ""


def test_signed_out_visitor_is_asked_to_sign_in(active_code):
    tab = Tab(session_secret="")
    before = _invitation_count()

    events = tab.send(InvitationsState, "generate", form_data=FORM)
    events += tab.send(InvitationsState, "disable", code=active_code)

    assert _refused(events, "Please sign in")
    assert _invitation_count() == before
    assert _invitation_status(active_code) == "active"


def test_staff_without_the_permission_is_refused(marketer, customer, active_code):
    tab = Tab(_sign_in(marketer.email))
    before = _invitation_count()

    events = tab.send(InvitationsState, "generate", form_data=FORM)
    events += tab.send(InvitationsState, "disable", code=active_code)
    events += tab.send(UsersState, "change_role", user_id=customer.id, role="owner")

    assert _refused(events, "permission")
    assert _invitation_count() == before
    assert _invitation_status(active_code) == "active"
    assert _role_of(customer.id) == "customer"


def test_forged_display_vars_grant_nothing(customer):
    """The browser can claim any role in SessionState; only the cookie counts."""
    tab = Tab(_sign_in(customer.email))
    session = tab.state(SessionState)
    session.user_role = "owner"
    session.permissions = ["admin.access", "invitations.manage", "users.manage"]
    before = _invitation_count()

    events = tab.send(InvitationsState, "generate", form_data=FORM)

    assert _refused(events, "permission")
    assert _invitation_count() == before


def test_a_revoked_session_is_refused_at_once(owner):
    secret = _sign_in(owner.email)
    with unit_of_work() as session:
        accounts.logout_web(session, secret=secret)
    tab = Tab(secret)
    before = _invitation_count()

    events = tab.send(InvitationsState, "generate", form_data=FORM)

    assert _refused(events, "Please sign in")
    assert _invitation_count() == before


def test_the_browser_cannot_supply_the_actor(customer, owner):
    """`actor` is not part of the handler's public signature: a payload naming one is
    refused (customer) or rejected outright (owner), and never used."""
    before = _invitation_count()
    customer_tab = Tab(_sign_in(customer.email))

    events = customer_tab.send(
        InvitationsState, "generate", form_data=FORM, actor=owner.model_dump(mode="json")
    )
    assert _refused(events, "permission")

    owner_tab = Tab(_sign_in(owner.email))
    with pytest.raises(TypeError):
        owner_tab.send(
            InvitationsState, "generate", form_data=FORM, actor=customer.model_dump(mode="json")
        )

    assert _invitation_count() == before


# --- the owner can ------------------------------------------------------------------------


def test_owner_generates_disables_and_changes_roles(owner, customer):
    tab = Tab(_sign_in(owner.email))
    before = _invitation_count()

    events = tab.send(InvitationsState, "generate", form_data=FORM)
    state = tab.state(InvitationsState)
    assert any('["success"]' in js and "3 invitation codes" in js for js in events)
    assert _invitation_count() == before + 3
    assert len(state.fresh_codes) == 3
    assert {row.code for row in state.rows} >= set(state.fresh_codes)

    code = state.fresh_codes[0]
    events = tab.send(InvitationsState, "disable", code=code)
    assert any('["success"]' in js for js in events)
    assert _invitation_status(code) == "disabled"

    events = tab.send(UsersState, "change_role", user_id=customer.id, role="marketer")
    assert any('["success"]' in js for js in events)
    assert _role_of(customer.id) == "marketer"
    assert {"invitation.created", "invitation.disabled", "user.role_changed"} <= set(
        _audit_actions()
    )


def test_owner_sees_field_errors_for_a_bad_batch(owner):
    tab = Tab(_sign_in(owner.email))
    before = _invitation_count()

    tab.send(InvitationsState, "generate", form_data={"count": "0", "max_uses": "x"})

    assert _invitation_count() == before
    assert set(tab.state(InvitationsState).form_errors) == {"max_uses"}
    tab.send(InvitationsState, "generate", form_data={"count": "0", "max_uses": "1"})
    assert set(tab.state(InvitationsState).form_errors) == {"count"}


def test_last_owner_cannot_be_demoted(owner):
    tab = Tab(_sign_in(owner.email))

    events = tab.send(UsersState, "change_role", user_id=owner.id, role="customer")

    assert _refused(events, "at least one owner")
    assert _role_of(owner.id) == "owner"


# --- the rule itself ----------------------------------------------------------------------


@pytest.mark.parametrize("state_cls", ADMIN_STATES, ids=lambda c: c.__name__)
def test_every_admin_handler_is_guarded(state_cls):
    """New handlers on admin states (own or from a mixin) must go through `@admin_event`."""
    own = {
        name: handler
        for name, handler in state_cls.event_handlers.items()
        if handler.fn.__qualname__.startswith(f"{state_cls.__name__}.")
    }
    assert own, "no handlers found"
    unguarded = [name for name, h in own.items() if not hasattr(h.fn, "required_permission")]
    assert unguarded == []
    for handler in own.values():  # None means "the state's PERMISSION", which must exist
        assert handler.fn.required_permission or state_cls.PERMISSION


def test_shared_paging_handlers_use_the_state_permission(customer, owner):
    customer_tab = Tab(_sign_in(customer.email))
    events = customer_tab.send(UsersState, "next_page")
    assert _refused(events, "permission")

    owner_tab = Tab(_sign_in(owner.email))
    events = owner_tab.send(UsersState, "next_page")
    assert not _refused(events, "")
    assert owner_tab.state(UsersState).total >= 2


def test_grants_are_recorded_against_the_right_actor(owner):
    """The audit entry names the user behind the cookie, not anyone the browser names."""
    tab = Tab(_sign_in(owner.email))
    tab.send(InvitationsState, "generate", form_data={"count": "1", "max_uses": "1"})
    with read_session() as session:
        entry = audit.list_entries(session, action="invitation.created", page=1, per_page=1).items[
            0
        ]
    assert entry.actor_email == owner.email
    assert Actor(id=owner.id, email=owner.email) == owner.actor
