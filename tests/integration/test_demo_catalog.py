"""The demo catalog: a deep category tree, valid products, working collections, run-twice safe."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import select

from shop_core import demo_catalog
from shop_core.catalog.models import (
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductCategory,
    ProductImage,
    ProductTag,
    Variant,
)
from shop_core.db import read_session
from shop_core.demo import seed_demo
from shop_core.demo_catalog import seed_catalog
from shop_core.inventory.models import InventoryItem, StockMovement
from shop_core.media import media_path

TABLES = (
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductCategory,
    ProductImage,
    ProductTag,
    Variant,
    InventoryItem,
    StockMovement,
)


def counts() -> dict[str, int]:
    with read_session() as session:
        return {
            model.__tablename__: session.exec(select(func.count()).select_from(model)).one()
            for model in TABLES
        }


def members(session, slug: str) -> set[int]:
    collection = session.exec(select(Collection).where(Collection.slug == slug)).one()
    return set(
        session.exec(
            select(CollectionProduct.product_id).where(
                CollectionProduct.collection_id == collection.id
            )
        ).all()
    )


def test_sixty_products_make_a_believable_catalog() -> None:
    lines = list(seed_catalog(60))
    assert lines[-1].startswith("catalog: 3 featured collections")

    with read_session() as session:
        # Category tree: materialised paths, at least three levels deep.
        nodes = {c.id: c for c in session.exec(select(Category)).all()}
        for node in nodes.values():
            if node.parent_id is None:
                assert node.path == "/"
            else:
                parent = nodes[node.parent_id]
                assert node.path == f"{parent.path}{parent.id}/"
        assert max(node.path.count("/") for node in nodes.values()) >= 3  # "/a/b/": level 3
        leaf_ids = set(nodes) - {n.parent_id for n in nodes.values()}

        products = session.exec(select(Product)).all()
        assert len(products) == 60
        statuses = Counter(p.status for p in products)
        assert statuses["active"] >= 45 and set(statuses) <= {"active", "draft", "archived"}
        assert len({p.slug for p in products}) == 60

        variants = session.exec(select(Variant)).all()
        per_product = Counter(v.product_id for v in variants)
        assert set(per_product) == {p.id for p in products}
        assert all(1 <= n <= 6 for n in per_product.values())
        assert len({v.sku.upper() for v in variants}) == len(variants)
        for v in variants:
            assert v.price > 0
            assert v.compare_at_price is None or v.compare_at_price > v.price
            assert 0.29 * v.price <= v.cost_price <= 0.61 * v.price
        assert any(v.compare_at_price for v in variants)

        # Stock went through the ledger: an item per variant, some sold out, some plenty.
        stock = dict(session.exec(select(InventoryItem.variant_id, InventoryItem.on_hand)).all())
        assert set(stock) == {v.id for v in variants}
        assert any(q == 0 for q in stock.values()) and any(q > 10 for q in stock.values())
        received = session.exec(select(func.sum(StockMovement.on_hand_delta))).one()
        assert received == sum(stock.values())
        by_product: dict[int, int] = Counter()
        for v in variants:
            by_product[v.product_id] += stock[v.id]
        assert all(p.in_stock == (by_product[p.id] > 0) for p in products)
        assert any(not p.in_stock for p in products)

        # Images: every product has one, drawn once and shared by URL.
        images = session.exec(select(ProductImage)).all()
        assert {i.product_id for i in images} == {p.id for p in products}
        urls = {i.url for i in images}
        assert len(urls) <= len(demo_catalog._SHAPES) * demo_catalog._IMAGES_PER_SHAPE
        assert all(media_path(url).is_file() for url in urls)
        assert all(i.alt for i in images)

        # Every product sits in a leaf category.
        links = session.exec(select(ProductCategory)).all()
        assert {link.product_id for link in links} == {p.id for p in products}
        assert {link.category_id for link in links} <= leaf_ids

        # Rule-based collections have exactly the members their rules describe.
        rule_slugs = set(
            session.exec(select(Collection.slug).where(Collection.kind == "rule")).all()
        )
        assert {"under-25", "sale", "cosy-season", "in-stock", "for-the-home"} <= rule_slugs
        for slug in rule_slugs:
            assert members(session, slug), slug
        assert members(session, "under-25") == {p.id for p in products if p.price_min <= 2500}
        assert members(session, "in-stock") == {p.id for p in products if p.in_stock}
        sale = set(session.exec(select(ProductTag.product_id).where(ProductTag.tag == "sale")))
        assert members(session, "sale") == sale
        featured = session.exec(select(Collection).where(Collection.featured.is_(True))).all()
        assert len(featured) >= 2
        assert all(c.kind == "manual" and members(session, c.slug) for c in featured)

    before = counts()
    again = list(seed_catalog(60))
    assert again == ["catalog: 60 products already there, nothing added"]
    assert counts() == before


def test_seed_demo_includes_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_catalog, "_IMAGES_PER_SHAPE", 1)
    lines = list(seed_demo(products=12, orders=0))
    assert any(line.startswith("catalog: 12/12 products") for line in lines)
    assert counts()["products"] == 12
    again = list(seed_demo(products=12, orders=0))
    assert "catalog: 12 products already there, nothing added" in again
    assert counts()["products"] == 12
