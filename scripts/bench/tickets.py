"""Technician queue numbers: 20,000 tickets, listed and filtered through the REST API
in-process, as a support technician would page through them.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench python scripts/bench/tickets.py

Tickets are bulk-inserted once (the script tops the table up to TICKETS rows).
"""

from __future__ import annotations

import logging
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import func, select  # noqa: E402

from shop_core.accounts.models import User  # noqa: E402
from shop_core.api.app import create_api  # noqa: E402
from shop_core.benchmarks import report, timed  # noqa: E402
from shop_core.db import read_session, unit_of_work, utcnow  # noqa: E402
from shop_core.migrations import upgrade  # noqa: E402
from shop_core.security import hash_password  # noqa: E402
from shop_core.support.models import Ticket  # noqa: E402
from shop_core.support.service import CATEGORIES, PRIORITIES, Status  # noqa: E402

TICKETS, REPEAT, PASSWORD = 20_000, 200, "bench-tech-password"
WORDS = [
    "parcel",
    "refund",
    "mug",
    "broken",
    "payment",
    "size",
    "colour",
    "late",
    "address",
    "invoice",
    "discount",
]


def technicians() -> list[int]:
    with unit_of_work() as session:
        ids = []
        for n in range(3):
            email = f"bench-tech{n}@example.com"
            user = session.exec(select(User).where(User.email == email)).first()
            if user is None:
                user = User(
                    email=email,
                    name=f"Tech {n}",
                    role="support_technician",
                    password_hash=hash_password(PASSWORD),
                )
                session.add(user)
                session.flush()
            ids.append(user.id)
        return ids


def top_up(assignees: list[int], rng: random.Random) -> int:
    with read_session() as session:
        have = session.exec(select(func.count()).select_from(Ticket)).one()
    now, statuses = utcnow(), [s.value for s in Status]
    rows = []
    for i in range(have, TICKETS):
        created = now - timedelta(minutes=rng.randrange(60 * 24 * 365))
        rows.append(
            {
                "number": f"B{i:07d}",
                "subject": " ".join(rng.sample(WORDS, 3)).capitalize(),
                "category": rng.choice(list(CATEGORIES)),
                "description": "Benchmark ticket.",
                "contact_email": f"customer{rng.randrange(5000)}@example.com",
                "contact_name": "Bench Customer",
                "priority": rng.choice(PRIORITIES),
                "status": rng.choice(statuses),
                "assignee_id": rng.choice([None, *assignees]),
                "created_at": created,
                "updated_at": created + timedelta(minutes=rng.randrange(600)),
                "due_at": created + timedelta(hours=24),
            }
        )
    for start in range(0, len(rows), 5000):
        with unit_of_work() as session:
            session.execute(insert(Ticket), rows[start : start + 5000])
    return TICKETS - have


def main() -> None:
    logging.disable(logging.INFO)  # one log line per request would dominate the timings
    rng = random.Random(5)
    upgrade()
    assignees = technicians()
    added = top_up(assignees, rng)
    client = TestClient(create_api())
    login = client.post(
        "/api/v1/auth/login", json={"email": "bench-tech0@example.com", "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    print(f"queue: {TICKETS} tickets ({added} added now)")
    queries = {
        "queue (newest activity first)": lambda: {},
        "status=open": lambda: {"status": "open"},
        "status + category + priority": lambda: {
            "status": rng.choice([s.value for s in Status]),
            "category": rng.choice(list(CATEGORIES)),
            "priority": rng.choice(PRIORITIES),
        },
        "assignee=me": lambda: {"assignee_id": assignees[0]},
        "unassigned": lambda: {"unassigned": "true"},
        "overdue": lambda: {"overdue": "true"},
        "search q=<word>": lambda: {"q": rng.choice(WORDS)},
        "page 40": lambda: {"page": 40},
    }
    worst = 0.0
    for label, params in queries.items():

        def call(params=params):
            response = client.get("/api/v1/support/tickets", params=params(), headers=headers)
            assert response.status_code == 200, response.text

        call()
        samples = timed(call, REPEAT)
        worst = max(worst, sorted(samples)[int(len(samples) * 0.95) - 1])
        print(report(f"GET /support/tickets {label}", samples))
    counts = timed(lambda: client.get("/api/v1/support/counts", headers=headers), REPEAT)
    print(report("GET /support/counts", counts))
    print(f"worst p95 {worst:.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
