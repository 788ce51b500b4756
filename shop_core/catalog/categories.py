"""Category tree editing. Each node stores its ancestors' ids as a path ("/1/7/"), so a
subtree is one LIKE query on either database and a move rewrites one prefix."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from slugify import slugify
from sqlalchemy import func, update
from sqlmodel import Session, select

from shop_core.catalog.models import Category, ProductCategory
from shop_core.catalog.schemas import CategoryRef
from shop_core.errors import Conflict, InvalidInput, NotFound


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(default=None, max_length=140, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    parent_id: int | None = None
    description: str = Field(default="", max_length=5000)
    position: int = Field(default=0, ge=0, le=100_000)


class CategoryOut(CategoryRef):
    parent_id: int | None
    description: str
    position: int


def get_category(session: Session, category_id: int) -> CategoryOut:
    node = _get(session, category_id)
    return CategoryOut(
        id=node.id,
        slug=node.slug,
        name=node.name,
        parent_id=node.parent_id,
        description=node.description,
        position=node.position,
    )


def _get(session: Session, category_id: int) -> Category:
    node = session.get(Category, category_id)
    if node is None:
        raise NotFound("No such category.", code="category_not_found")
    return node


def _parent_path(session: Session, parent_id: int | None) -> str:
    if parent_id is None:
        return "/"
    parent = session.get(Category, parent_id)
    if parent is None:
        raise InvalidInput("Unknown parent.", fields={"parent_id": "No such category."})
    return f"{parent.path}{parent.id}/"


def _free_slug(session: Session, slug: str, own_id: int | None) -> None:
    clash = session.exec(select(Category.id).where(Category.slug == slug)).first()
    if clash is not None and clash != own_id:
        raise Conflict(
            "Another category uses this address.",
            code="slug_taken",
            fields={"slug": "Already used by another category."},
        )


def create_category(session: Session, data: CategoryIn) -> CategoryRef:
    slug = data.slug or slugify(data.name, max_length=120) or "category"
    _free_slug(session, slug, None)
    node = Category(
        name=data.name,
        slug=slug,
        parent_id=data.parent_id,
        description=data.description,
        position=data.position,
        path=_parent_path(session, data.parent_id),
    )
    session.add(node)
    session.flush()
    return CategoryRef(id=node.id, slug=node.slug, name=node.name)


def update_category(session: Session, category_id: int, data: CategoryIn) -> CategoryRef:
    node = _get(session, category_id)
    slug = data.slug or node.slug
    _free_slug(session, slug, node.id)
    node.name, node.slug = data.name, slug
    node.description, node.position = data.description, data.position
    if data.parent_id != node.parent_id:
        _move(session, node, data.parent_id)
    session.add(node)
    session.flush()
    return CategoryRef(id=node.id, slug=node.slug, name=node.name)


def _move(session: Session, node: Category, parent_id: int | None) -> None:
    old_prefix = f"{node.path}{node.id}/"
    new_path = _parent_path(session, parent_id)
    if parent_id == node.id or new_path.startswith(old_prefix):
        raise InvalidInput(
            "A category cannot move under itself.",
            fields={"parent_id": "Choose a category outside this branch."},
        )
    new_prefix = f"{new_path}{node.id}/"
    session.execute(
        update(Category)
        .where(Category.path.like(f"{old_prefix}%"))
        .values(path=new_prefix + func.substr(Category.path, len(old_prefix) + 1))
        .execution_options(synchronize_session=False)
    )
    node.parent_id, node.path = parent_id, new_path


def delete_category(session: Session, category_id: int) -> None:
    """Delete a leaf that no product uses; anything else would silently orphan data."""
    node = _get(session, category_id)
    if session.exec(select(Category.id).where(Category.parent_id == node.id)).first():
        raise Conflict("Move or delete its subcategories first.", code="category_not_empty")
    if session.exec(
        select(ProductCategory.product_id).where(ProductCategory.category_id == node.id)
    ).first():
        raise Conflict("Products are still in this category.", code="category_not_empty")
    session.delete(node)
    session.flush()
