"""The category tree flattened for selects, checklists and the tree view (depth-first)."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session

from shop_core.catalog import categories, queries
from shop_core.catalog.schemas import CategoryNode
from shop_core.errors import NotFound


@dataclasses.dataclass
class FlatCategory:
    id: int
    slug: str
    name: str
    parent_id: int
    depth: int
    trail: str  # "Clothing › Tees": the name with its ancestors
    children: int


def flatten(nodes: list[CategoryNode], depth: int = 0, trail: str = "") -> list[FlatCategory]:
    out: list[FlatCategory] = []
    for node in nodes:
        path = f"{trail} › {node.name}" if trail else node.name
        out.append(
            FlatCategory(
                id=node.id,
                slug=node.slug,
                name=node.name,
                parent_id=node.parent_id or 0,
                depth=depth,
                trail=path,
                children=len(node.children),
            )
        )
        out.extend(flatten(node.children, depth + 1, path))
    return out


def flat_categories(session: Session) -> list[FlatCategory]:
    return flatten(queries.category_tree(session))


@dataclasses.dataclass
class CategoryFields:
    """What a rename or move must send back unchanged (the update replaces every field)."""

    description: str
    position: int


def category_fields(session: Session, category_id: int) -> CategoryFields | None:
    try:
        node = categories.get_category(session, category_id)
    except NotFound:
        return None
    return CategoryFields(node.description, node.position)
