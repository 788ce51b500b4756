"""Support UI handlers, driven as the Reflex backend drives them (`Tab`: the browser's
payload, the session cookie, a real database): a support technician works the queue and
the ticket page, a catalog manager is refused everywhere; a customer only ever loads their
own tickets, a guest needs the ticket's email, and internal notes never enter the
customer's page state."""

from __future__ import annotations

import uuid

import pytest
from reflex.istate.data import RouterData

from shop.pages.support import NewTicketState, SupportListState, TicketState
from shop_admin.pages.ticket_detail import TicketDetailState
from shop_admin.pages.tickets import TicketsState
from shop_core.db import read_session, unit_of_work
from shop_core.support import service as support
from tests.conftest import make_user
from tests.unit.test_ui_admin_catalog import PASSWORD, refused, sign_in, succeeded
from tests.unit.test_ui_permissions import Tab

NOTE = "Refund approved by finance, waiting on the courier."


def _user(role: str = "customer", name: str = "Carla Customer"):
    return make_user(f"{role}-{uuid.uuid4().hex[:6]}@example.com", PASSWORD, role=role, name=name)


def _ticket(user=None, *, subject="My mug arrived broken", email=None) -> str:
    body = support.TicketIn(
        subject=subject,
        category="order_problem",
        description="The handle came off in the box.",
        email=email,
        name="Gina Guest" if user is None else None,
    )
    with unit_of_work() as session:
        return support.create_ticket(session, body, user=user).number


def _at(tab: Tab, state_cls, path: str):
    """Put the tab on `path` (what the browser's router data says)."""
    state = tab.state(state_cls)
    state.router = RouterData.from_router_data(
        {"headers": {"origin": "http://shop.test"}, "asPath": path, "pathname": path}
    )
    return state


def _messages(number: str, owner) -> list[support.MessageOut]:
    with read_session() as session:
        return support.get_ticket(session, number, support.Viewer(user=owner)).messages


@pytest.fixture
def technician():
    return _user("support_technician", "Tess Tech")


@pytest.fixture
def customer():
    return _user()


def _open_admin_ticket(tab: Tab, number: str) -> TicketDetailState:
    state = _at(tab, TicketDetailState, f"/admin/tickets/{number}")
    tab.send(TicketDetailState, "load")
    return state


def test_technician_works_the_queue(technician, customer):
    mine = _ticket(customer, subject="Wrong size delivered")
    other = _ticket(customer, subject="Question about linen care")
    tab = sign_in(technician)
    state = _at(tab, TicketsState, "/admin/tickets")

    assert not refused(tab.send(TicketsState, "load"))
    assert {r.number for r in state.rows} == {mine, other}
    assert {c.value: c.count for c in state.chips}["open"] == 2
    assert [t.label for t in state.team] == ["Tess Tech"]

    tab.send(TicketsState, "search", form_data={"q": "linen"})
    assert [r.number for r in state.rows] == [other]
    tab.send(TicketsState, "clear_filters")
    tab.send(TicketsState, "set_status_filter", value="resolved")
    assert state.rows == []
    tab.send(TicketsState, "set_status_filter", value="open")
    tab.send(TicketsState, "set_assignee_filter", value="me")
    assert state.rows == []

    # Take one from its page: the "assigned to me" filter now finds it.
    detail = _open_admin_ticket(tab, mine)
    assert detail.subject == "Wrong size delivered" and not detail.missing
    assert succeeded(tab.send(TicketDetailState, "assign", value="me"))
    assert detail.assignee == str(technician.id)
    tab.send(TicketsState, "set_assignee_filter", value="me")
    assert [r.number for r in state.rows] == [mine]
    assert state.rows[0].assignee == "Tess Tech"
    tab.send(TicketsState, "set_assignee_filter", value="unassigned")
    assert [r.number for r in state.rows] == [other]


def test_catalog_manager_cannot_open_the_queue_or_a_ticket(customer):
    number = _ticket(customer)
    tab = sign_in(_user("catalog_manager"))
    _at(tab, TicketsState, "/admin/tickets")
    detail = _at(tab, TicketDetailState, f"/admin/tickets/{number}")
    detail.number = number  # whatever the browser claims

    calls = [
        (TicketsState, "load", {}),
        (TicketsState, "set_status_filter", {"value": "open"}),
        (TicketsState, "search", {"form_data": {"q": "mug"}}),
        (TicketsState, "next_page", {}),
        (TicketDetailState, "load", {}),
        (TicketDetailState, "set_reply", {"value": "Hello"}),
        (TicketDetailState, "send", {}),
        (TicketDetailState, "set_status", {"value": "closed"}),
        (TicketDetailState, "assign", {"value": "me"}),
        (TicketDetailState, "follow", {}),
    ]
    for state_cls, handler, payload in calls:
        assert refused(tab.send(state_cls, handler, **payload)), handler
    assert tab.state(TicketsState).rows == []
    assert detail.messages == [] and detail.subject == ""
    with read_session() as session:
        ticket = support.get_ticket(session, number, support.Viewer(user=customer))
    assert ticket.status == "open" and ticket.messages == []


def test_customer_cannot_load_another_customers_ticket(customer):
    number = _ticket(customer, subject="Private matter")
    stranger = sign_in(_user(name="Nosy Neighbour"))

    state = _at(stranger, TicketState, f"/account/support/{number}")
    stranger.send(TicketState, "load")
    assert state.missing and state.subject == "" and state.messages == []
    # Nor by the guest route with the owner's email: the ticket belongs to an account.
    state = _at(stranger, TicketState, f"/support/{number}?email={customer.email}")
    stranger.send(TicketState, "load")
    assert state.missing and state.subject == ""
    # A reply aimed at it is refused by the service, whatever the state holds.
    state.number, state.reply = number, "Let me in"
    events = stranger.send(TicketState, "send")
    assert any('["error"]' in js for js in events)
    assert _messages(number, customer) == []

    # Their own list shows only their own tickets.
    own = _ticket(stranger_user := _user(name="Other"), subject="Mine")
    tab = sign_in(stranger_user)
    _at(tab, SupportListState, "/account/support")
    tab.send(SupportListState, "load")
    assert [r.number for r in tab.state(SupportListState).rows] == [own]


def test_guest_follows_a_ticket_only_with_its_email():
    number = _ticket(None, email="gina@example.com")
    tab = Tab("")

    state = _at(tab, TicketState, f"/support/{number}?email=someone@example.com")
    tab.send(TicketState, "load")
    assert state.missing and state.subject == ""

    state = _at(tab, TicketState, f"/support/{number}?email=Gina@Example.com")
    tab.send(TicketState, "load")
    assert not state.missing and state.subject == "My mug arrived broken"
    tab.send(TicketState, "set_reply", value="Any news?")
    assert succeeded(tab.send(TicketState, "send"))
    assert [m.body for m in state.messages] == ["Any news?"]
    assert state.messages[0].role == "customer" and state.reply == ""


def test_internal_notes_never_reach_the_customer_page(technician, customer):
    number = _ticket(customer)
    staff = sign_in(technician)
    detail = _open_admin_ticket(staff, number)
    staff.send(TicketDetailState, "set_internal", value="note")
    staff.send(TicketDetailState, "set_reply", value=NOTE)
    assert succeeded(staff.send(TicketDetailState, "send"))
    staff.send(TicketDetailState, "set_internal", value="reply")
    staff.send(TicketDetailState, "set_reply", value="A new one is on its way.")
    assert succeeded(staff.send(TicketDetailState, "send"))
    assert [(m.body, m.internal) for m in detail.messages] == [
        (NOTE, True),
        ("A new one is on its way.", False),
    ]

    tab = sign_in(customer)
    state = _at(tab, TicketState, f"/account/support/{number}")
    tab.send(TicketState, "load")
    assert [m.body for m in state.messages] == ["A new one is on its way."]
    assert state.messages[0].role == "staff"
    assert NOTE not in str(tab.root.dict())  # nowhere in the page state

    # A customer reply reopens a resolved ticket, and staff see it in their thread.
    staff.send(TicketDetailState, "set_status", value="resolved")
    assert detail.status == "resolved"
    tab.send(TicketState, "set_reply", value="It broke again!")
    tab.send(TicketState, "send")
    assert state.status == "Open"
    assert NOTE not in str(tab.root.dict())
    _open_admin_ticket(staff, number)
    assert detail.messages[-1].body == "It broke again!" and detail.status == "open"


def test_saved_replies_are_created_and_inserted(technician, customer):
    number = _ticket(customer)
    tab = sign_in(technician)
    detail = _open_admin_ticket(tab, number)
    tab.send(TicketDetailState, "set_save_open", is_open=True)
    tab.send(TicketDetailState, "save_reply")
    assert set(detail.save_errors) == {"title", "body"}
    tab.send(TicketDetailState, "set_save_field", field="save_title", value="Broken item")
    tab.send(TicketDetailState, "set_save_field", field="save_body", value="Hi {name}, sorry!")
    assert succeeded(tab.send(TicketDetailState, "save_reply"))
    assert [r.title for r in detail.saved] == ["Broken item"] and not detail.save_open

    tab.send(TicketDetailState, "use_saved", reply_id=str(detail.saved[0].id))
    assert detail.reply == "Hi Carla, sorry!"


def test_new_ticket_form_links_only_the_customers_own_order(customer):
    tab = sign_in(customer)
    state = _at(tab, NewTicketState, "/support?order=JNNOTMINE1")
    tab.send(NewTicketState, "load")
    assert state.signed_in and state.order_number == "none"  # not one of theirs
    assert state.subject == "Help with order JNNOTMINE1"

    state.order_number = "JNNOTMINE1"  # forged by the browser
    tab.send(NewTicketState, "set_value", field="description", value="Where is it?")
    tab.send(NewTicketState, "submit")
    assert state.errors.get("order_number") == "Pick one of your orders."
    with read_session() as session:
        page = support.list_tickets(session, support.Viewer(user=customer))
    assert page.total == 0

    state.order_number = "none"
    tab.send(NewTicketState, "submit")
    assert state.errors == {}
    with read_session() as session:
        page = support.list_tickets(session, support.Viewer(user=customer))
    assert [t.subject for t in page.items] == ["Help with order JNNOTMINE1"]


def _upload(data: bytes, name: str):
    import io
    from pathlib import Path

    import reflex as rx

    return rx.UploadFile(file=io.BytesIO(data), path=Path(name), size=len(data))


def test_attachments_are_checked_stored_and_downloaded(technician, customer):
    from tests.unit.test_ui_admin_catalog import png_bytes

    number = _ticket(customer)
    tab = sign_in(customer)
    state = _at(tab, TicketState, f"/account/support/{number}")
    tab.send(TicketState, "load")

    # A script renamed to .png is refused by content; nothing is added.
    tab.send(TicketState, "set_reply", value="See the file")
    events = tab.send(
        TicketState, "send_with_files", files=[_upload(b"MZ\x90\x00 not an image", "x.png")]
    )
    assert any('["error"]' in js and "images" in js for js in events)
    assert state.messages == [] and state.reply == "See the file"

    tab.send(TicketState, "send_with_files", files=[_upload(png_bytes(), "crack.png")])
    (message,) = state.messages
    assert message.body == "See the file" and [f.name for f in message.files] == ["crack.png"]
    tab.send(TicketState, "download", attachment_id=message.files[0].id)
    downloads = [e for e in tab.frontend_events if e.name.endswith("_download")]
    assert downloads and "crack.png" in str(downloads[-1].payload)

    # Someone else cannot fetch it by id.
    other = sign_in(_user(name="Nosy"))
    other_state = _at(other, TicketState, f"/account/support/{number}")
    other_state.number = number
    events = other.send(TicketState, "download", attachment_id=message.files[0].id)
    assert any('["error"]' in js for js in events)
    assert not [e for e in other.frontend_events if e.name.endswith("_download")]


def test_files_on_an_internal_note_stay_with_staff(technician, customer):
    from tests.unit.test_ui_admin_catalog import png_bytes

    number = _ticket(customer)
    staff = sign_in(technician)
    detail = _open_admin_ticket(staff, number)
    staff.send(TicketDetailState, "set_internal", value="note")
    staff.send(TicketDetailState, "set_reply", value="Courier photo")
    assert succeeded(
        staff.send(
            TicketDetailState, "send_with_files", files=[_upload(png_bytes(), "courier.png")]
        )
    )
    (note,) = detail.messages
    assert note.internal and [f.name for f in note.files] == ["courier.png"]
    staff.send(TicketDetailState, "download", attachment_id=note.files[0].id)
    assert [e for e in staff.frontend_events if e.name.endswith("_download")]

    tab = sign_in(customer)
    state = _at(tab, TicketState, f"/account/support/{number}")
    tab.send(TicketState, "load")
    assert state.messages == [] and "courier.png" not in str(tab.root.dict())
    events = tab.send(TicketState, "download", attachment_id=note.files[0].id)
    assert any('["error"]' in js for js in events)
    assert not [e for e in tab.frontend_events if e.name.endswith("_download")]
