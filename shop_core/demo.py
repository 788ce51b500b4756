"""Demo data: staff for every role, customers, invitation codes, a catalog and months of
order history (orders, refunds, tickets); safe to run twice."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import select

from shop_core.accounts.models import User
from shop_core.accounts.roles import Role
from shop_core.audit.service import Actor
from shop_core.db import unit_of_work
from shop_core.demo_catalog import seed_catalog
from shop_core.demo_history import seed_history
from shop_core.invitations.models import Invitation
from shop_core.invitations.service import create_invitations
from shop_core.security import hash_password

DEMO_PASSWORD = "demo-pass-2026"
DEMO_OWNER = "owner@example.com"

_STAFF = [
    (DEMO_OWNER, "Olivia Owner", Role.OWNER),
    ("catalog@example.com", "Cas Catalog", Role.CATALOG_MANAGER),
    ("support@example.com", "Sam Support", Role.SUPPORT_TECHNICIAN),
    ("marketing@example.com", "Mia Marketer", Role.MARKETER),
    ("ops@example.com", "Oscar Ops", Role.OPERATIONS),
]
_CUSTOMERS = [
    ("ava@example.com", "Ava Lindqvist"),
    ("noah@example.com", "Noah Brennan"),
    ("zoe@example.com", "Zoë Moreau"),
    ("liam@example.com", "Liam Okafor"),
    ("emma@example.com", "Emma Rossi"),
]


def seed_demo(*, products: int = 200, orders: int = 3000) -> Iterator[str]:
    password_hash = hash_password(DEMO_PASSWORD)  # one argon2 hash for every demo account
    with unit_of_work() as session:
        existing = set(session.exec(select(User.email)).all())
        people = [(e, n, r) for e, n, r in _STAFF] + [(e, n, Role.CUSTOMER) for e, n in _CUSTOMERS]
        created = 0
        for email, name, role in people:
            if email not in existing:
                session.add(
                    User(email=email, name=name, role=role.value, password_hash=password_hash)
                )
                created += 1
        session.flush()
        if session.exec(select(Invitation.id)).first() is None:
            create_invitations(session, actor=Actor(id=None, email="demo seed"), count=5)
    yield f"{created} demo accounts created (password for all: {DEMO_PASSWORD})"
    yield f"owner: {DEMO_OWNER}"
    yield from seed_catalog(products)
    yield from seed_history(orders=orders)
