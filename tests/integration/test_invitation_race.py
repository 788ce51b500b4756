"""Two (or more) registrations racing for one single-use code: exactly one account.

Threads with their own connections race in the real database; on PostgreSQL the
conditional UPDATE decides, on SQLite the write lock serialises.
"""

from __future__ import annotations

import threading

from sqlmodel import func, select

from shop_core.accounts import service as accounts
from shop_core.accounts.models import User
from shop_core.audit.service import Actor
from shop_core.db import read_session, unit_of_work
from shop_core.errors import DomainError
from shop_core.invitations.models import InvitationRedemption
from shop_core.invitations.service import create_invitations

RACERS = 8


def _race(code: str) -> list[str]:
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            with unit_of_work() as session:
                accounts.register(
                    session,
                    invite_code=code,
                    name=f"Racer {n}",
                    email=f"racer{n}@example.com",
                    password="racing-password-1",
                    ip=f"10.9.0.{n}",
                )
            result = "ok"
        except DomainError as exc:
            result = exc.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_single_use_code_race_creates_exactly_one_account():
    with unit_of_work() as session:
        code = create_invitations(session, actor=Actor(id=None, email="t"))[0].code
    outcomes = _race(code)
    assert sorted(outcomes) == ["invite_used"] * (RACERS - 1) + ["ok"]
    with read_session() as session:
        assert session.exec(select(func.count()).select_from(User)).one() == 1
        assert session.exec(select(func.count()).select_from(InvitationRedemption)).one() == 1


def test_multi_use_code_race_stops_at_max_uses():
    with unit_of_work() as session:
        code = create_invitations(session, actor=Actor(id=None, email="t"), max_uses=3)[0].code
    outcomes = _race(code)
    assert outcomes.count("ok") == 3
    assert outcomes.count("invite_used") == RACERS - 3
