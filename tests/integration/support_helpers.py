"""Builders for support ticket tests."""

from __future__ import annotations

TICKETS = "/api/v1/support/tickets"


def open_ticket(api, headers=None, **body):
    payload = {
        "subject": "Where is my parcel?",
        "category": "order_problem",
        "description": "It has been a week since I ordered.",
        **body,
    }
    return api.post(TICKETS, json=payload, headers=headers or {})
