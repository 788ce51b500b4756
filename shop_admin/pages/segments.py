"""Segments: saved rule sets over customers with live member counts, a rule builder with a
live preview, and a CSV export of the members (through the analytics export job).

Anyone with CUSTOMERS_VIEW sees the segments and their counts; creating, editing and
deleting needs MARKETING_MANAGE (checked by the handlers and again by the service).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any, ClassVar

import reflex as rx

from shop.state.services import read, write
from shop_admin.catalog_choices import flat_categories
from shop_admin.charts import currency_prefix
from shop_admin.components.forms import Choice, label
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import empty_state, pagination, scroll_table, table_card
from shop_admin.export_tracker import ExportTracker, export_progress
from shop_admin.formatting import fmt_money, fmt_time, money_text, parse_count, parse_money
from shop_admin.guard import admin_event
from shop_admin.pages.customers import currency, initials
from shop_admin.paging import PagedListState
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.analytics import exports
from shop_core.customers import segments
from shop_core.customers import service as customers
from shop_core.customers.segments import RULE_KINDS, SegmentView
from shop_core.errors import DomainError

KINDS = {k.type: k for k in RULE_KINDS}
RULE_CHOICES = [(k.type, k.label) for k in RULE_KINDS]
TAGS_LIST_ID = "segment-tag-options"
PLACEHOLDERS = {"money": "100.00", "count": "3", "days": "90", "tag": "vip", "category": ""}


@dataclasses.dataclass
class SegmentRow:
    id: int
    name: str
    description: str
    summary: str
    members: int
    updated: str


@dataclasses.dataclass
class RuleRow:
    key: str
    type: str
    value: str
    kind: str  # money | count | days | tag | category
    help: str
    error: str = ""


@dataclasses.dataclass
class PreviewMember:
    id: int
    name: str
    email: str
    initials: str
    spent: str


def describe(rule: dict[str, Any], cur: str, category_names: dict[int, str]) -> str:
    kind = KINDS.get(rule.get("type", ""))
    if kind is None:
        return str(rule)
    value = rule.get("value")
    if kind.value_kind == "money":
        text = fmt_money(int(value), cur)
    elif kind.value_kind == "days":
        text = f"{value} days"
    elif kind.value_kind == "category":
        text = category_names.get(int(value), f"#{value}")
    else:
        text = str(value)
    label_text = kind.label.replace(" N days", "").replace("last", "the last")
    return f"{label_text} {text}"


def summary(view: SegmentView, cur: str, category_names: dict[int, str]) -> str:
    joiner = " and " if view.match == "all" else " or "
    return joiner.join(describe(r, cur, category_names) for r in view.rules) or "—"


def to_row(view: SegmentView, cur: str, category_names: dict[int, str]) -> SegmentRow:
    return SegmentRow(
        id=view.id,
        name=view.name,
        description=view.description,
        summary=summary(view, cur, category_names),
        members=view.member_count,
        updated=fmt_time(view.updated_at),
    )


def _rule_row(rule_type: str, value: str = "") -> RuleRow:
    kind = KINDS[rule_type]
    return RuleRow(
        key=uuid.uuid4().hex[:8],
        type=rule_type,
        value=value,
        kind=kind.value_kind,
        help=kind.help,
    )


def rule_value_text(rule: dict[str, Any], cur: str) -> str:
    kind = KINDS[rule["type"]].value_kind
    if kind == "money":
        return money_text(int(rule["value"]), cur)
    return str(rule["value"])


def parse_rules(rows: list[RuleRow], cur: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The editor's rows as service rules, and a message per row key that cannot be read."""
    rules: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for row in rows:
        raw = row.value.strip()
        try:
            if not raw:
                raise ValueError("Required.")
            if row.kind == "money":
                value: Any = parse_money(raw, cur)
            elif row.kind in ("count", "days"):
                value = parse_count(raw)
            elif row.kind == "category":
                if not raw.isdigit():
                    raise ValueError("Pick a category.")
                value = int(raw)
            else:
                value = raw
        except ValueError as exc:
            errors[row.key] = str(exc)
            continue
        rules.append({"type": row.type, "value": value})
    return rules, errors


class SegmentsState(ExportTracker, PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.CUSTOMERS_VIEW
    PER_PAGE: ClassVar[int] = 20

    rows: list[SegmentRow] = []
    can_edit: bool = False
    category_choices: list[Choice] = []
    tag_options: list[str] = []  # tags in use, suggested for "Has tag"
    # The editor ("" closed | "new" | "edit").
    editor: str = ""
    editing_id: int = 0
    name: str = ""
    description: str = ""
    match: str = "all"
    rules: list[RuleRow] = []
    errors: dict[str, str] = {}
    preview_count: int = -1
    preview_members: list[PreviewMember] = []
    previewing: bool = False
    saving: bool = False
    confirm_delete: bool = False

    async def _fetch(self) -> None:
        cur = currency()
        names = {int(c.value): c.label for c in self.category_choices}
        items = await self._load_page(
            lambda s, page, per_page: segments.list_segments(s, page=page, per_page=per_page)
        )
        self.rows = [to_row(v, cur, names) for v in items]

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def load(self, actor: UserView):
        self.loading, self.editor = True, ""
        self.can_edit = actor.can(Perm.MARKETING_MANAGE)
        yield
        flat = await read(flat_categories)
        self.category_choices = [Choice(value=str(c.id), label=c.trail) for c in flat]
        tags = await read(lambda s: customers.list_tags(s, limit=100))
        self.tag_options = [t.tag for t in tags]
        try:
            await self._fetch()
        except DomainError as exc:
            yield rx.toast.error(exc.message)
        self.loading = False
        if self.export_active:
            yield SegmentsState.poll_export

    # --- the editor --------------------------------------------------------------------------

    def _open(self, mode: str) -> None:
        self.editor, self.errors, self.confirm_delete = mode, {}, False
        self.preview_count, self.preview_members = -1, []

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def new_segment(self, actor: UserView):
        self._open("new")
        self.editing_id, self.name, self.description, self.match = 0, "", "", "all"
        self.rules = [_rule_row("spent_over")]

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def edit_segment(self, actor: UserView, segment_id: int):
        try:
            view = await read(lambda s: segments.get_segment(s, int(segment_id)))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        cur = currency()
        self._open("edit")
        self.editing_id, self.name, self.description = view.id, view.name, view.description
        self.match = view.match
        self.rules = [_rule_row(r["type"], rule_value_text(r, cur)) for r in view.rules]
        return await self._preview()

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def close_editor(self, actor: UserView):
        self.editor, self.errors, self.confirm_delete = "", {}, False

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def set_field(self, actor: UserView, field: str, value: str):
        if field == "name":
            self.name = str(value)[:80]
        elif field == "description":
            self.description = str(value)[:500]
        self.errors = {k: v for k, v in self.errors.items() if k != field}
        return None

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def set_match(self, actor: UserView, value: str | list[str]):
        if value in ("all", "any"):
            self.match = value
            return await self._preview()
        return None

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def add_rule(self, actor: UserView):
        if len(self.rules) >= segments.MAX_RULES:
            return rx.toast.info(f"A segment has at most {segments.MAX_RULES} rules.")
        used = {r.type for r in self.rules}
        free = next((k.type for k in RULE_KINDS if k.type not in used), RULE_KINDS[0].type)
        self.rules = [*self.rules, _rule_row(free)]
        return None

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def remove_rule(self, actor: UserView, key: str):
        self.rules = [r for r in self.rules if r.key != key]
        return await self._preview()

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def set_rule(self, actor: UserView, key: str, field: str, value: str):
        rows = []
        for row in self.rules:
            if row.key == key:
                if field == "type" and value in KINDS and value != row.type:
                    row = _rule_row(value)
                    row.key = key
                elif field == "value":
                    row = dataclasses.replace(row, value=str(value)[:80], error="")
            rows.append(row)
        self.rules = rows
        return await self._preview()

    async def _preview(self):
        """Count the members of the rules as they stand (invalid rows are marked)."""
        cur = currency()
        rules, errors = parse_rules(self.rules, cur)
        self.rules = [dataclasses.replace(r, error=errors.get(r.key, "")) for r in self.rules]
        if errors or not rules:
            self.preview_count, self.preview_members = -1, []
            return None
        match = self.match
        self.previewing = True
        try:
            result = await read(lambda s: segments.preview(s, rules, match, limit=5))
        except DomainError as exc:
            self._mark(exc)
            self.previewing, self.preview_count = False, -1
            return None
        self.preview_count = result.count
        self.preview_members = [
            PreviewMember(
                id=m.id,
                name=m.name,
                email=m.email,
                initials=initials(m.name, m.email),
                spent=fmt_money(m.total_spent, cur),
            )
            for m in result.members
        ]
        self.previewing = False
        return None

    def _mark(self, exc: DomainError) -> None:
        """Service field errors ('rules.2', 'name') onto the editor's rows and inputs."""
        by_index = {}
        other = {}
        for key, message in exc.fields.items():
            if key.startswith("rules.") and key[6:].isdigit():
                by_index[int(key[6:])] = message
            else:
                other[key] = message
        self.rules = [
            dataclasses.replace(r, error=by_index.get(i, r.error)) for i, r in enumerate(self.rules)
        ]
        self.errors = other

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def save(self, actor: UserView):
        cur = currency()
        rules, errors = parse_rules(self.rules, cur)
        if errors:
            self.rules = [dataclasses.replace(r, error=errors.get(r.key, "")) for r in self.rules]
            yield rx.toast.error("Check the highlighted rules.")
            return
        if not self.name.strip():
            self.errors = {"name": "Give the segment a name."}
            yield rx.toast.error("Give the segment a name.")
            return
        name, description, match, segment_id = (
            self.name.strip(),
            self.description.strip(),
            self.match,
            self.editing_id,
        )
        self.saving = True
        yield

        def run(s):
            if segment_id:
                return segments.update_segment(
                    s,
                    actor,
                    segment_id,
                    name=name,
                    rules=rules,
                    match=match,
                    description=description,
                )
            return segments.create_segment(
                s, actor, name=name, rules=rules, match=match, description=description
            )

        try:
            view = await write(run)
        except DomainError as exc:
            self.saving = False
            self._mark(exc)
            yield rx.toast.error(exc.message)
            return
        self.saving, self.editor = False, ""
        await self._fetch()
        yield rx.toast.success(f"Saved “{view.name}” · {view.member_count:,} members.")

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def export_segment(self, actor: UserView, segment_id: int):
        params = {"segment_id": int(segment_id)}
        return await self._start_export(actor, exports.SEGMENT_KIND, params)

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def ask_delete(self, actor: UserView):
        self.confirm_delete = True

    @rx.event
    @admin_event(Perm.MARKETING_MANAGE)
    async def delete(self, actor: UserView):
        segment_id = self.editing_id
        if not segment_id or not self.confirm_delete:
            return None
        try:
            await write(lambda s: segments.delete_segment(s, actor, segment_id))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.editor, self.confirm_delete = "", False
        await self._fetch()
        return rx.toast.success("Segment deleted.")


S = SegmentsState


# --- components ---------------------------------------------------------------------------------


def _value_input(rule: RuleRow) -> rx.Component:
    field_id = "rule-value-" + rule.key
    common = {
        "id": field_id,
        "aria_label": "Rule value",
        "size": "2",
        "width": "100%",
        "custom_attrs": {
            "aria-invalid": rx.cond(rule.error != "", "true", "false"),
            "list": rx.cond(rule.kind == "tag", TAGS_LIST_ID, ""),
        },
    }
    return rx.cond(
        rule.kind == "category",
        rx.select.root(
            rx.select.trigger(placeholder="Pick a category", **common),
            rx.select.content(
                rx.foreach(S.category_choices, lambda c: rx.select.item(c.label, value=c.value))
            ),
            value=rule.value,
            on_change=lambda v: S.set_rule(rule.key, "value", v),
            size="2",
        ),
        rx.input(
            rx.cond(
                rule.kind == "money",
                rx.input.slot(rx.text(currency_prefix(currency()), size="2", color_scheme="gray")),
            ),
            value=rule.value,
            on_change=lambda v: S.set_rule(rule.key, "value", v),
            debounce_timeout=350,
            placeholder=rx.match(
                rule.kind,
                *[(k, v) for k, v in PLACEHOLDERS.items()],
                "",
            ),
            input_mode=rx.cond(rule.kind == "tag", "text", "decimal"),
            **common,
        ),
    )


def _rule(rule: RuleRow) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.select.root(
                rx.select.trigger(aria_label="Rule", width=["100%", "230px"]),
                rx.select.content(*[rx.select.item(text, value=v) for v, text in RULE_CHOICES]),
                value=rule.type,
                on_change=lambda v: S.set_rule(rule.key, "type", v),
                size="2",
            ),
            rx.box(_value_input(rule), flex="1", min_width="140px"),
            rx.icon_button(
                rx.icon("trash-2", size=16),
                variant="ghost",
                color_scheme="red",
                aria_label="Remove rule",
                on_click=S.remove_rule(rule.key),
                cursor="pointer",
            ),
            gap="8px",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        rx.text(
            rx.cond(rule.error != "", rule.error, rule.help),
            size="1",
            color_scheme=rx.cond(rule.error != "", "red", "gray"),
            role=rx.cond(rule.error != "", "alert", "note"),
            margin_top="4px",
        ),
        padding="10px 12px",
        border_radius="14px",
        background="var(--gray-a2)",
        border=rx.cond(rule.error != "", "1px solid var(--red-7)", "1px solid var(--gray-a4)"),
        width="100%",
    )


def _preview_member(m: PreviewMember) -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=m.initials, size="1", radius="full", variant="soft"),
        rx.link(
            m.name,
            href="/admin/customers/" + m.id.to_string(),
            size="2",
            weight="medium",
            truncate=True,
        ),
        rx.spacer(),
        rx.text(m.spent, size="1", color_scheme="gray", white_space="nowrap"),
        spacing="2",
        align="center",
        width="100%",
    )


def _preview() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("users", size=16, color="var(--accent-11)"),
                rx.text("Live preview", weight="bold", size="2"),
                rx.cond(S.previewing, rx.spinner(size="1")),
                spacing="2",
                align="center",
            ),
            rx.cond(
                S.preview_count >= 0,
                rx.vstack(
                    rx.text(
                        rx.text.strong(S.preview_count.to_string(), id="segment-preview-count"),
                        rx.cond(S.preview_count == 1, " customer matches", " customers match"),
                        size="4",
                    ),
                    rx.foreach(S.preview_members, _preview_member),
                    spacing="2",
                    width="100%",
                ),
                rx.text("Complete the rules to see who matches.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
            aria_live="polite",
        ),
        size="2",
        width="100%",
        style={"--card-border-radius": "18px", "background": "var(--accent-2)"},
    )


def _editor() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.hstack(
                    rx.dialog.title(
                        rx.cond(S.editor == "new", "New segment", "Edit segment"), margin="0"
                    ),
                    rx.dialog.close(
                        rx.icon_button(
                            rx.icon("x", size=16),
                            variant="ghost",
                            aria_label="Close",
                            on_click=S.close_editor,
                            cursor="pointer",
                        )
                    ),
                    justify="between",
                    align="center",
                    width="100%",
                ),
                rx.dialog.description(
                    "Customers matching the rules, counted live.", size="2", color_scheme="gray"
                ),
                rx.vstack(
                    label("Name", "segment-name"),
                    rx.input(
                        id="segment-name",
                        value=S.name,
                        on_change=lambda v: S.set_field("name", v),
                        placeholder="Big spenders who lapsed",
                        size="3",
                        width="100%",
                        max_length=80,
                    ),
                    rx.cond(
                        S.errors.contains("name"),
                        rx.text(S.errors["name"], size="1", color_scheme="red", role="alert"),
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.vstack(
                    label("Description", "segment-description", optional=True),
                    rx.input(
                        id="segment-description",
                        value=S.description,
                        on_change=lambda v: S.set_field("description", v),
                        size="2",
                        width="100%",
                        max_length=500,
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.hstack(
                    rx.text("Customers who match", size="2"),
                    rx.segmented_control.root(
                        rx.segmented_control.item("all rules", value="all"),
                        rx.segmented_control.item("any rule", value="any"),
                        value=S.match,
                        on_change=S.set_match,
                        size="1",
                        aria_label="Match",
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.vstack(rx.foreach(S.rules, _rule), spacing="2", width="100%"),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add a rule",
                    variant="soft",
                    size="2",
                    on_click=S.add_rule,
                    cursor="pointer",
                ),
                _preview(),
                rx.flex(
                    rx.cond(
                        S.editor == "edit",
                        rx.cond(
                            S.confirm_delete,
                            rx.button(
                                rx.icon("trash-2", size=14),
                                "Really delete",
                                color_scheme="red",
                                on_click=S.delete,
                                cursor="pointer",
                            ),
                            rx.button(
                                "Delete",
                                variant="ghost",
                                color_scheme="red",
                                on_click=S.ask_delete,
                                cursor="pointer",
                            ),
                        ),
                        rx.box(),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                "Cancel",
                                variant="soft",
                                color_scheme="gray",
                                on_click=S.close_editor,
                                cursor="pointer",
                            )
                        ),
                        rx.button(
                            rx.icon("save", size=14),
                            "Save segment",
                            on_click=S.save,
                            loading=S.saving,
                            cursor="pointer",
                            id="segment-save",
                        ),
                        spacing="2",
                    ),
                    justify="between",
                    width="100%",
                    gap="8px",
                    wrap="wrap",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="640px",
            style={"--card-border-radius": "22px"},
        ),
        open=S.editor != "",
    )


def _row(row: SegmentRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.name, weight="bold", size="2"),
                rx.cond(
                    row.description != "",
                    rx.text(row.description, size="1", color_scheme="gray"),
                ),
                spacing="0",
            ),
            min_width="180px",
        ),
        rx.table.cell(rx.text(row.summary, size="2"), min_width="220px"),
        rx.table.cell(
            rx.badge(
                rx.icon("users", size=12),
                row.members,
                radius="full",
                size="2",
                variant="soft",
            )
        ),
        rx.table.cell(rx.text(row.updated, size="2", white_space="nowrap")),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    S.can_edit,
                    rx.button(
                        rx.icon("pencil", size=14),
                        "Edit",
                        size="1",
                        variant="soft",
                        on_click=S.edit_segment(row.id),
                        cursor="pointer",
                    ),
                ),
                segment_export_button(row.id),
                spacing="2",
            )
        ),
        align="center",
    )


def segment_export_button(segment_id) -> rx.Component:
    return rx.button(
        rx.icon("file-down", size=14),
        "Export CSV",
        size="1",
        variant="soft",
        color_scheme="gray",
        on_click=S.export_segment(segment_id),
        disabled=S.export_active,
        cursor="pointer",
    )


@admin_page(
    route="/admin/segments",
    title="Segments",
    permission=Perm.CUSTOMERS_VIEW,
    on_load=SegmentsState.load,
    description="Groups of customers by what they do, counted live. Export any of them.",
)
def segments_page() -> rx.Component:
    return rx.vstack(
        table_card(
            rx.flex(
                rx.hstack(
                    rx.icon("blend", size=18, color="var(--accent-11)"),
                    rx.heading("Saved segments", size="4", as_="h2"),
                    spacing="2",
                    align="center",
                ),
                rx.cond(
                    S.can_edit,
                    rx.button(
                        rx.icon("plus", size=16),
                        "New segment",
                        on_click=S.new_segment,
                        cursor="pointer",
                        id="segment-new",
                    ),
                ),
                justify="between",
                align="center",
                width="100%",
            ),
            rx.cond(
                S.rows.length() > 0,
                scroll_table(
                    ["Segment", "Rules", "Members", "Updated", ""],
                    rx.foreach(S.rows, _row),
                    id="segments-table",
                ),
                rx.cond(
                    S.loading,
                    rx.center(rx.spinner(size="3"), padding_y="40px", width="100%"),
                    empty_state(
                        "blend",
                        "No segments yet",
                        "Group customers by spend, recency, tags or categories they buy from.",
                    ),
                ),
            ),
            pagination(S, ("segment", "segments")),
        ),
        export_progress(S),
        _editor(),
        rx.el.datalist(rx.foreach(S.tag_options, lambda t: rx.el.option(value=t)), id=TAGS_LIST_ID),
        spacing="4",
        width="100%",
    )
