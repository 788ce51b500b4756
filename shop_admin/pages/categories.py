"""Categories: the tree, add a child, rename, move under another parent, delete."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from pydantic import ValidationError

from shop.state.services import read, write
from shop_admin.catalog_choices import FlatCategory, category_fields, flat_categories
from shop_admin.components.forms import Choice, choice_select, error_summary, input_field, label
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import empty_state, table_card
from shop_admin.errors import explain
from shop_admin.guard import admin_event
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.catalog import categories
from shop_core.catalog.categories import CategoryIn
from shop_core.errors import DomainError

TOP_LEVEL = "root"


class CategoriesState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.CATALOG_MANAGE

    nodes: list[FlatCategory] = []
    loading: bool = False
    can_manage: bool = False
    # The create/edit dialog: mode "" (closed), "create" or "edit".
    mode: str = ""
    edit_id: int = 0
    name: str = ""
    slug: str = ""
    parent: str = TOP_LEVEL
    errors: dict[str, str] = {}
    messages: list[str] = []
    saving: bool = False
    confirm_id: int = 0
    confirm_name: str = ""

    @rx.var
    def parent_choices(self) -> list[Choice]:
        """Top level and every category outside the branch being edited."""
        branch = next((n.trail for n in self.nodes if n.id == self.edit_id), None)
        return [Choice(value=TOP_LEVEL, label="Top level")] + [
            Choice(value=str(n.id), label=("· " * n.depth) + n.name)
            for n in self.nodes
            if self.mode != "edit"
            or branch is None
            or not (n.trail == branch or n.trail.startswith(branch + " › "))
        ]

    async def _fetch(self) -> None:
        self.nodes = await read(flat_categories)

    @rx.event
    @admin_event(Perm.CATALOG_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        self.mode, self.confirm_id = "", 0
        yield
        self.can_manage = actor.can(Perm.CATALOG_MANAGE)
        await self._fetch()
        self.loading = False

    def _open(
        self,
        mode: str,
        *,
        edit_id: int = 0,
        name: str = "",
        slug: str = "",
        parent: str = TOP_LEVEL,
    ):
        self.mode, self.edit_id, self.name, self.slug, self.parent = (
            mode,
            edit_id,
            name,
            slug,
            parent,
        )
        self.errors, self.messages = {}, []

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def start_create(self, actor: UserView, parent_id: int):
        known = {n.id for n in self.nodes}
        self._open("create", parent=str(parent_id) if int(parent_id) in known else TOP_LEVEL)

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def start_edit(self, actor: UserView, category_id: int):
        node = next((n for n in self.nodes if n.id == int(category_id)), None)
        if node is None:
            return rx.toast.error("That category is gone; the list was refreshed.")
        parent = str(node.parent_id) if node.parent_id else TOP_LEVEL
        self._open("edit", edit_id=node.id, name=node.name, slug=node.slug, parent=parent)
        return None

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def close(self, actor: UserView):
        self.mode = ""

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def set_open(self, actor: UserView, is_open: bool):
        if not is_open:  # Escape, or a click outside the dialog
            self.mode = ""

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def set_field(self, actor: UserView, field: str, value: str):
        if field in ("name", "slug", "parent"):
            setattr(self, field, str(value)[:140])
            key = "parent_id" if field == "parent" else field
            self.errors = {k: v for k, v in self.errors.items() if k != key}

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def save(self, actor: UserView):
        self.saving = True
        yield
        parent_id = None if self.parent == TOP_LEVEL else int(self.parent)
        edit_id, creating = self.edit_id, self.mode == "create"
        try:
            kept = None if creating else await read(lambda s: category_fields(s, edit_id))
            data = CategoryIn(
                name=self.name,
                slug=self.slug.strip() or None,
                parent_id=parent_id,
                description=kept.description if kept else "",
                position=kept.position if kept else 0,
            )
            if creating:
                saved = await write(lambda s: categories.create_category(s, data))
            else:
                saved = await write(lambda s: categories.update_category(s, edit_id, data))
        except (ValidationError, DomainError) as exc:
            message, fields = explain(exc)
            self.errors = {k: v for k, v in fields.items() if k in ("name", "slug", "parent_id")}
            self.messages = [v for k, v in fields.items() if k not in self.errors] or (
                [message] if not fields else []
            )
            self.saving = False
            yield rx.toast.error(message)
            return
        self.mode = ""
        self.saving = False
        await self._fetch()
        verb = "added" if creating else "saved"
        yield rx.toast.success(f"“{saved.name}” is {verb}.")

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def ask_delete(self, actor: UserView, category_id: int, name: str):
        self.confirm_id, self.confirm_name = int(category_id), name

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def cancel_delete(self, actor: UserView):
        self.confirm_id = 0

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def delete(self, actor: UserView, category_id: int):
        self.confirm_id = 0
        name = next((n.name for n in self.nodes if n.id == int(category_id)), "The category")
        try:
            await write(lambda s: categories.delete_category(s, int(category_id)))
        except DomainError as exc:
            await self._fetch()
            return rx.toast.error(f"“{name}” was not deleted: {exc.message}")
        await self._fetch()
        return rx.toast.success(f"“{name}” is deleted.")


S = CategoriesState


def _node(node: FlatCategory) -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.box(width=(node.depth * 24).to_string() + "px", flex_shrink="0"),
            rx.center(
                rx.icon(rx.cond(node.children > 0, "folder-open", "folder"), size=16),
                width="30px",
                height="30px",
                border_radius="10px",
                background=rx.cond(node.depth == 0, "var(--accent-3)", "var(--gray-3)"),
                color=rx.cond(node.depth == 0, "var(--accent-11)", "var(--gray-11)"),
                flex_shrink="0",
            ),
            rx.vstack(
                rx.text(node.name, weight="medium", size="2"),
                rx.text("/" + node.slug, size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
            ),
            spacing="2",
            align="center",
            min_width="0",
        ),
        rx.cond(
            S.can_manage,
            rx.hstack(
                rx.tooltip(
                    rx.icon_button(
                        rx.icon("folder-plus", size=15),
                        size="2",
                        variant="ghost",
                        aria_label="Add a category inside " + node.name,
                        on_click=S.start_create(node.id),
                        cursor="pointer",
                    ),
                    content="Add inside",
                ),
                rx.tooltip(
                    rx.icon_button(
                        rx.icon("pencil", size=15),
                        size="2",
                        variant="ghost",
                        aria_label="Rename or move " + node.name,
                        on_click=S.start_edit(node.id),
                        cursor="pointer",
                    ),
                    content="Rename or move",
                ),
                rx.tooltip(
                    rx.icon_button(
                        rx.icon("trash-2", size=15),
                        size="2",
                        variant="ghost",
                        color_scheme="red",
                        aria_label="Delete " + node.name,
                        on_click=S.ask_delete(node.id, node.name),
                        cursor="pointer",
                    ),
                    content="Delete",
                ),
                spacing="1",
                flex_shrink="0",
            ),
        ),
        justify="between",
        align="center",
        gap="8px",
        padding="8px 10px",
        border_radius="12px",
        _hover={"background": "var(--gray-a3)"},
        width="100%",
        role="treeitem",
        aria_level=(node.depth + 1).to_string(),
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.mode == "create", "New category", "Rename or move")),
            rx.dialog.description(
                rx.cond(
                    S.mode == "create",
                    "Pick a name and where it sits in the tree.",
                    "Moving a category takes its subcategories along.",
                ),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.vstack(
                input_field(
                    "category-name",
                    "Name",
                    value=S.name,
                    on_change=lambda v: S.set_field("name", v),
                    errors=S.errors,
                    key="name",
                    max_length=120,
                ),
                input_field(
                    "category-slug",
                    "Web address",
                    value=S.slug,
                    on_change=lambda v: S.set_field("slug", v),
                    errors=S.errors,
                    key="slug",
                    hint="Leave empty to make one from the name.",
                    optional=True,
                    max_length=140,
                ),
                rx.vstack(
                    label("Parent", "category-parent"),
                    choice_select(
                        S.parent_choices,
                        value=S.parent,
                        on_change=lambda v: S.set_field("parent", v),
                        label_text="Parent category",
                        field_id="category-parent",
                        width="100%",
                        size="3",
                    ),
                    rx.cond(
                        S.errors.contains("parent_id"),
                        rx.text(S.errors["parent_id"], role="alert", size="2", color_scheme="red"),
                    ),
                    spacing="1",
                    width="100%",
                ),
                error_summary(S.messages, "Not saved"),
                rx.flex(
                    rx.button(
                        "Cancel",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.close,
                        cursor="pointer",
                    ),
                    rx.button(
                        rx.cond(S.mode == "create", "Add category", "Save"),
                        on_click=S.save,
                        loading=S.saving,
                        cursor="pointer",
                        id="save-category",
                    ),
                    spacing="3",
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            max_width="460px",
        ),
        open=S.mode != "",
        on_open_change=S.set_open,
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete “", S.confirm_name, "”?"),
            rx.alert_dialog.description(
                "Only an empty category can go: move its subcategories and products "
                "elsewhere first."
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep it", variant="soft", color_scheme="gray", on_click=S.cancel_delete
                    ),
                ),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=S.delete(S.confirm_id)),
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=S.confirm_id != 0,
    )


@admin_page(
    route="/admin/categories",
    title="Categories",
    permission=Perm.CATALOG_VIEW,
    on_load=CategoriesState.load,
    description="The tree customers browse. Nest as deep as you like.",
)
def categories_page() -> rx.Component:
    return rx.vstack(
        table_card(
            rx.flex(
                rx.heading("Category tree", size="4"),
                rx.cond(
                    S.can_manage,
                    rx.button(
                        rx.icon("plus", size=16),
                        "New top-level category",
                        on_click=S.start_create(0),
                        cursor="pointer",
                        id="new-category",
                    ),
                ),
                justify="between",
                align="center",
                wrap="wrap",
                gap="8px",
                width="100%",
            ),
            rx.cond(
                S.nodes.length() > 0,
                rx.vstack(
                    rx.foreach(S.nodes, _node),
                    spacing="0",
                    width="100%",
                    role="tree",
                    aria_label="Categories",
                    id="category-tree",
                ),
                rx.cond(
                    S.loading,
                    rx.center(rx.spinner(size="3"), padding_y="40px", width="100%"),
                    empty_state(
                        "folder-tree",
                        "No categories yet",
                        "Start with a top-level category such as Clothing.",
                    ),
                ),
            ),
        ),
        _dialog(),
        _delete_dialog(),
        spacing="5",
        width="100%",
    )
