"""Support pieces the storefront and the admin share: ticket status badges and the chat
thread (customer and staff bubbles, system lines, staff-only internal notes, files).

Rows are plain strings made on the backend; the browser only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import reflex as rx
from reflex.vars import Var

from shop_core.support.service import CATEGORIES, MessageOut

TICKET_STATUS: dict[str, tuple[str, str]] = {
    "open": ("Open", "blue"),
    "in_progress": ("In progress", "violet"),
    "waiting_on_customer": ("Waiting on customer", "amber"),
    "resolved": ("Resolved", "green"),
    "closed": ("Closed", "gray"),
}
PRIORITY_COLORS = {"low": "gray", "normal": "blue", "high": "orange", "urgent": "red"}
LIVE_SECONDS = 0.5  # how often an open ticket page asks whether anything changed (cheap query)
LIVE_IDLE_LIMIT = 30 * 60  # a page nobody touches stops polling after this (resumable)


def ticket_status_label(status: str) -> str:
    return TICKET_STATUS.get(status, (status.replace("_", " ").capitalize(), "gray"))[0]


def ticket_status_color(status: str) -> str:
    return TICKET_STATUS.get(status, ("", "gray"))[1]


def category_label(category: str) -> str:
    return CATEGORIES.get(category, category.replace("_", " ").capitalize())


def when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC") if value else ""


def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


@dataclass
class FileRow:
    id: int = 0
    name: str = ""
    size: str = ""
    icon: str = "file"


@dataclass
class MessageRow:
    id: int = 0
    role: str = ""  # customer | staff | system
    author: str = ""
    body: str = ""
    when: str = ""
    internal: bool = False
    files: list[FileRow] = field(default_factory=list)


def message_rows(messages: list[MessageOut], *, include_internal: bool) -> list[MessageRow]:
    """Thread rows; customer pages pass include_internal=False (a second fence behind the
    service, which already leaves notes out for customers)."""
    return [
        MessageRow(
            id=m.id,
            role=m.author_role,
            author=m.author_name,
            body=m.body,
            when=when(m.created_at),
            internal=m.internal,
            files=[
                FileRow(
                    id=a.id,
                    name=a.filename,
                    size=file_size(a.size),
                    icon="file-text" if a.content_type == "application/pdf" else "image",
                )
                for a in m.attachments
            ],
        )
        for m in messages
        if include_internal or not m.internal
    ]


def ticket_badge(label: Var | str, color: Var | str, **props) -> rx.Component:
    return rx.badge(label, color_scheme=color, radius="full", variant="soft", **props)


def live_indicator(live: Var, on_resume, resume_label: str, **props) -> rx.Component:
    """A green "Live" dot while the page follows the ticket; a button to resume once it stopped.

    `props` go to the "Live" row (e.g. an element id)."""
    return rx.cond(
        live,
        rx.hstack(
            rx.box(width="8px", height="8px", border_radius="50%", background="var(--green-9)"),
            rx.text("Live", size="1", color_scheme="green"),
            spacing="1",
            align="center",
            **props,
        ),
        rx.button(
            resume_label,
            size="1",
            variant="ghost",
            on_click=on_resume,
            cursor="pointer",
        ),
    )


def _file_chip(f: FileRow, on_download) -> rx.Component:
    return rx.button(
        rx.icon(f.icon, size=14),
        rx.text(f.name, size="1", truncate=True, max_width="180px"),
        rx.text(f.size, size="1", color_scheme="gray"),
        variant="surface",
        size="1",
        radius="full",
        cursor="pointer",
        on_click=on_download(f.id),
        aria_label="Download " + f.name,
    )


def _bubble(m: MessageRow, *, mine_role: str, on_download) -> rx.Component:
    mine = m.role == mine_role
    background = rx.cond(
        m.internal,
        "var(--amber-3)",
        rx.cond(mine, "var(--accent-9)", "var(--color-panel-solid)"),
    )
    color = rx.cond(mine & ~m.internal, "white", "var(--gray-12)")
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.cond(
                    m.internal,
                    rx.badge(
                        rx.icon("lock", size=12),
                        "Internal note",
                        color_scheme="amber",
                        radius="full",
                        size="1",
                    ),
                ),
                rx.text(m.author, size="1", weight="bold"),
                rx.text(m.when, size="1", color_scheme="gray"),
                spacing="2",
                align="center",
                wrap="wrap",
                justify=rx.cond(mine, "end", "start"),
            ),
            rx.box(
                rx.text(m.body, size="2", white_space="pre-wrap", word_break="break-word"),
                rx.cond(
                    m.files.length() > 0,
                    rx.flex(
                        rx.foreach(m.files, lambda f: _file_chip(f, on_download)),
                        gap="6px",
                        wrap="wrap",
                        padding_top="8px",
                    ),
                ),
                background=background,
                color=color,
                padding="10px 14px",
                border_radius=rx.cond(mine, "18px 18px 4px 18px", "18px 18px 18px 4px"),
                border=rx.cond(
                    m.internal,
                    "1px dashed var(--amber-8)",
                    rx.cond(mine, "none", "1px solid var(--gray-a5)"),
                ),
                box_shadow="0 1px 2px rgba(23, 15, 50, 0.06)",
                max_width="100%",
            ),
            spacing="1",
            align=rx.cond(mine, "end", "start"),
            max_width=["92%", "78%"],
        ),
        justify=rx.cond(mine, "end", "start"),
        width="100%",
        class_name=rx.cond(m.internal, "ticket-message internal-note", "ticket-message"),
        data_role=m.role,
    )


def _system_line(m: MessageRow) -> rx.Component:
    return rx.center(
        rx.hstack(
            rx.icon("info", size=12),
            rx.text(m.body, " · ", m.when, size="1"),
            spacing="1",
            align="center",
            color="var(--gray-11)",
            background="var(--gray-a3)",
            padding="4px 12px",
            border_radius="999px",
        ),
        width="100%",
        class_name="ticket-event",
    )


def thread(messages: Var, *, mine_role: str, on_download, **props) -> rx.Component:
    """The conversation, oldest first; `mine_role` ("customer" or "staff") sits on the right."""
    return rx.vstack(
        rx.foreach(
            messages,
            lambda m: rx.cond(
                m.role == "system",
                _system_line(m),
                _bubble(m, mine_role=mine_role, on_download=on_download),
            ),
        ),
        spacing="3",
        width="100%",
        role="log",
        aria_live="polite",
        aria_label="Conversation",
        **props,
    )


def upload_or_plain(upload_id: str, button, *, with_files, plain) -> rx.Component:
    """`button(on_click)` that uploads the files picked in `upload_id` through `with_files`
    when there are any, else calls `plain`."""
    return rx.cond(
        rx.selected_files(upload_id).length() > 0,
        button(with_files(rx.upload_files(upload_id=upload_id))),
        button(plain),
    )


def upload_zone(upload_id: str, *, label: str = "Attach images or PDFs") -> rx.Component:
    """A small drop zone (images and PDFs; the service checks the content, max 5 MB each)."""
    return rx.vstack(
        rx.upload.root(
            rx.hstack(
                rx.icon("paperclip", size=16, color="var(--accent-11)"),
                rx.text(label, size="2", weight="medium"),
                rx.text("PNG, JPEG, WebP, GIF or PDF · 5 MB", size="1", color_scheme="gray"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            id=upload_id,
            accept={
                "image/png": [".png"],
                "image/jpeg": [".jpg", ".jpeg"],
                "image/webp": [".webp"],
                "image/gif": [".gif"],
                "application/pdf": [".pdf"],
            },
            multiple=True,
            max_files=5,
            border="1.5px dashed var(--accent-7)",
            border_radius="14px",
            padding="10px 14px",
            background="var(--accent-2)",
            cursor="pointer",
            width="100%",
            aria_label=label,
        ),
        rx.cond(
            rx.selected_files(upload_id).length() > 0,
            rx.flex(
                rx.foreach(
                    rx.selected_files(upload_id),
                    lambda name: rx.badge(
                        rx.icon("paperclip", size=12), name, radius="full", variant="soft"
                    ),
                ),
                rx.button(
                    "Remove files",
                    variant="ghost",
                    size="1",
                    color_scheme="gray",
                    on_click=rx.clear_selected_files(upload_id),
                    cursor="pointer",
                ),
                gap="6px",
                wrap="wrap",
                align="center",
            ),
        ),
        spacing="2",
        width="100%",
    )
