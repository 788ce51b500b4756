"""Catalog admin handlers (products, categories, collections, CSV, inventory) check
permissions on the backend, and do what they say for the roles that may use them.

The handlers run as the Reflex backend runs them (`Tab` from test_ui_permissions: the
browser's payload, the session cookie, a real database). A support technician may look
at the catalog but not change it: every editing handler must answer with an error toast
and change nothing. A catalog manager creates, edits and deletes for real.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import uuid
from pathlib import Path

import pytest
import reflex as rx
from PIL import Image

import shop_admin.pages
from shop_admin.pages.catalog_csv import CatalogCsvState
from shop_admin.pages.categories import CategoriesState
from shop_admin.pages.collections import CollectionsState
from shop_admin.pages.inventory import InventoryState
from shop_admin.pages.product_editor import OptionAxis, ProductEditorState, VariantRow, build_rows
from shop_admin.pages.products import ProductsState
from shop_core.catalog import categories, collections, products, queries
from shop_core.catalog.categories import CategoryIn
from shop_core.catalog.schemas import ProductIn
from shop_core.db import read_session, unit_of_work
from shop_core.inventory import service as inventory
from shop_core.jobs import runs
from tests.conftest import make_user
from tests.unit.test_ui_permissions import Tab

PASSWORD = "a-good-password-42"


# --- people and data ----------------------------------------------------------------------------


def _staff(role: str):
    return make_user(f"{role}-{uuid.uuid4().hex[:6]}@example.com", PASSWORD, role=role, name=role)


def sign_in(user) -> Tab:
    from shop_core.accounts import service as accounts

    with unit_of_work() as session:
        login = accounts.login_web(session, email=user.email, password=PASSWORD, ip="10.9.8.7")
    return Tab(login.secret)


@pytest.fixture
def manager_tab() -> Tab:
    return sign_in(_staff("catalog_manager"))


@pytest.fixture
def support_tab() -> Tab:
    return sign_in(_staff("support_technician"))


def make_product(title: str = "Linen Shirt", *, sku: str = "LIN-1", price: int = 2500) -> int:
    body = ProductIn(
        title=title,
        status="active",
        variants=[{"sku": sku, "price": price, "stock": 4}],
    )
    with unit_of_work() as session:
        return products.create_product(session, body)


def make_category(name: str, parent_id: int | None = None) -> int:
    with unit_of_work() as session:
        return categories.create_category(session, CategoryIn(name=name, parent_id=parent_id)).id


def product_count() -> int:
    with read_session() as session:
        filters = queries.ProductFilters(status=None)
        return queries.list_products(session, filters, page=1, per_page=1).total


def category_names() -> list[str]:
    with read_session() as session:
        return sorted(c.name for c in _flat(queries.category_tree(session)))


def _flat(nodes):
    for node in nodes:
        yield node
        yield from _flat(node.children)


def collection_titles() -> list[str]:
    with read_session() as session:
        return [c.title for c in collections.list_collections(session)]


def detail(product_id: int):
    with read_session() as session:
        return queries.product_detail(
            session, product_id=product_id, include_unpublished=True, admin=True
        )


def png_bytes(color=(124, 58, 237)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, format="PNG")
    return out.getvalue()


def refused(events: list[str]) -> bool:
    return any('["error"]' in js and "permission" in js for js in events)


def succeeded(events: list[str]) -> bool:
    return any('["success"]' in js for js in events)


def redirects(tab: Tab) -> list[str]:
    return [str(e.payload.get("path")) for e in tab.frontend_events if e.name.endswith("_redirect")]


def set_variant(tab: Tab, index: int, field: str, value: str) -> None:
    key = tab.state(ProductEditorState).variants[index].key
    tab.send(ProductEditorState, "set_variant", key=key, field=field, value=value)


def fill_new_product(tab: Tab, *, title="Cloud Hoodie", sku_prefix="HOOD") -> None:
    """What an admin types: a title, a Size axis with two values, prices and stock."""
    tab.send(ProductEditorState, "set_text", field="title", value=title)
    tab.send(ProductEditorState, "set_text", field="status", value="active")
    tab.send(ProductEditorState, "add_axis")
    axis = tab.state(ProductEditorState).axes[0]
    tab.send(ProductEditorState, "set_axis", key=axis.key, field="value_text", value="S, M")
    rows = tab.state(ProductEditorState).variants
    for row, (sku, price, stock) in zip(
        rows, [(f"{sku_prefix}-S", "39.90", "3"), (f"{sku_prefix}-M", "44.5", "7")], strict=True
    ):
        tab.send(ProductEditorState, "set_variant", key=row.key, field="sku", value=sku)
        tab.send(ProductEditorState, "set_variant", key=row.key, field="price", value=price)
        tab.send(ProductEditorState, "set_variant", key=row.key, field="stock", value=stock)


# --- the rule: every handler of every admin page is guarded --------------------------------------


def _admin_states() -> list[type[rx.State]]:
    found = []
    for module_info in pkgutil.iter_modules(shop_admin.pages.__path__):
        module = importlib.import_module(f"shop_admin.pages.{module_info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, rx.State) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


@pytest.mark.parametrize("state_cls", _admin_states(), ids=lambda c: c.__name__)
def test_every_admin_page_handler_is_guarded(state_cls):
    own = {
        name: handler
        for name, handler in state_cls.event_handlers.items()
        if handler.fn.__qualname__.startswith(f"{state_cls.__name__}.")
    }
    assert own, "no handlers found"
    unguarded = [name for name, h in own.items() if not hasattr(h.fn, "required_permission")]
    assert unguarded == []
    for handler in own.values():
        assert handler.fn.required_permission or state_cls.PERMISSION


# --- a support technician can look but not change ------------------------------------------------


def test_support_technician_cannot_create_a_product(support_tab):
    state = support_tab.state(ProductEditorState)
    # Even a form the browser filled in itself (forged state) must not be saved.
    state.title = "Forged"
    state.variants = [VariantRow(key="x", sku="FORGED-1", price="10.00", stock="5")]
    before = product_count()

    events = support_tab.send(ProductEditorState, "save")
    events += support_tab.send(ProductEditorState, "set_text", field="title", value="Other")
    events += support_tab.send(ProductEditorState, "add_axis")

    assert refused(events)
    assert product_count() == before
    assert state.title == "Forged" and state.axes == []


def test_support_technician_cannot_edit_or_delete_a_product(support_tab):
    product_id = make_product("Keep Me", sku="KEEP-1", price=1500)
    state = support_tab.state(ProductEditorState)
    state.editing_id, state.title = product_id, "Renamed"
    variant_id = detail(product_id).variants[0].id
    state.variants = [VariantRow(key="x", id=variant_id, sku="KEEP-1", price="1.00")]

    events = support_tab.send(ProductEditorState, "save")
    events += support_tab.send(ProductEditorState, "delete")
    events += support_tab.send(
        ProductEditorState,
        "upload_images",
        files=[rx.UploadFile(file=io.BytesIO(png_bytes()), path=Path("x.png"))],
    )

    assert refused(events)
    after = detail(product_id)
    assert after.title == "Keep Me" and after.variants[0].price == 1500 and after.images == []
    assert state.images == []


def test_support_technician_cannot_change_categories_or_collections(support_tab):
    clothing = make_category("Clothing")
    cats = support_tab.state(CategoriesState)
    cats.mode, cats.name, cats.parent = "create", "Hacked", "root"
    cols = support_tab.state(CollectionsState)
    cols.mode, cols.title, cols.kind = "create", "Hacked picks", "manual"
    with unit_of_work() as session:
        existing = collections.save_collection(session, collections.CollectionIn(title="Summer"))

    events = support_tab.send(CategoriesState, "save")
    events += support_tab.send(CategoriesState, "delete", category_id=clothing)
    events += support_tab.send(CollectionsState, "save")
    events += support_tab.send(CollectionsState, "delete", collection_id=existing.id)

    assert refused(events)
    assert category_names() == ["Clothing"]
    assert collection_titles() == ["Summer"]


def test_support_technician_cannot_run_csv_jobs_or_move_stock(support_tab):
    make_product("Stocked", sku="STK-1")
    with read_session() as session:
        jobs_before = runs.list_runs(session, page=1, per_page=1).total
    inv = support_tab.state(InventoryState)
    inv.sku, inv.delta, inv.reason = "STK-1", "50", "receive"

    events = support_tab.send(CatalogCsvState, "start_export")
    events += support_tab.send(InventoryState, "record")
    events += support_tab.send(InventoryState, "load")

    assert refused(events)
    with read_session() as session:
        assert runs.list_runs(session, page=1, per_page=1).total == jobs_before
        assert inventory.stock_level(session, sku="STK-1").on_hand == 4
    assert inv.low == []


def test_support_technician_may_browse_the_catalog(support_tab):
    make_product("Browse Me", sku="BRW-1")
    events = support_tab.send(ProductsState, "load")
    state = support_tab.state(ProductsState)
    assert not refused(events)
    assert [r.title for r in state.rows] == ["Browse Me"]
    assert state.can_manage is False
    # Following the CSV job on page load stays quiet for a viewer.
    assert not refused(support_tab.send(CatalogCsvState, "resume"))


# --- a catalog manager can -----------------------------------------------------------------------


def test_catalog_manager_creates_a_product_with_variants_and_an_image(manager_tab):
    tab = manager_tab
    fill_new_product(tab)
    events = tab.send(
        ProductEditorState,
        "upload_images",
        files=[rx.UploadFile(file=io.BytesIO(png_bytes()), path=Path("hoodie.png"))],
    )
    assert succeeded(events)
    image = tab.state(ProductEditorState).images[0]
    assert image.url.startswith("/media/products/") and image.url.endswith(".webp")
    tab.send(ProductEditorState, "set_image", key=image.key, field="alt", value="A purple hoodie")
    tab.send(ProductEditorState, "set_image", key=image.key, field="variant_sku", value="HOOD-M")

    events = tab.send(ProductEditorState, "save")

    assert succeeded(events), events
    state = tab.state(ProductEditorState)
    assert redirects(tab) == [f"/admin/products/{state.editing_id}"]  # off to the saved product
    saved = detail(state.editing_id)
    assert saved.status == "active" and saved.slug == "cloud-hoodie"
    assert [(v.sku, v.price, v.available) for v in saved.variants] == [
        ("HOOD-S", 3990, 3),
        ("HOOD-M", 4450, 7),
    ]
    assert [v.option_values for v in saved.variants] == [{"Size": "S"}, {"Size": "M"}]
    assert [(i.url, i.alt) for i in saved.images] == [(image.url, "A purple hoodie")]
    assert saved.images[0].variant_id == saved.variants[1].id


def test_catalog_manager_edits_reorders_and_archives(manager_tab):
    tab = manager_tab
    fill_new_product(tab, title="Rain Jacket", sku_prefix="RAIN")
    for color in ((200, 0, 0), (0, 0, 200)):
        tab.send(
            ProductEditorState,
            "upload_images",
            files=[rx.UploadFile(file=io.BytesIO(png_bytes(color)), path=Path("c.png"))],
        )
    assert succeeded(tab.send(ProductEditorState, "save"))
    state = tab.state(ProductEditorState)
    product_id = state.editing_id
    first, second = [i.url for i in state.images]

    # Second image first, a new price, a category, a tag.
    rain = make_category("Outerwear")
    tab.send(ProductEditorState, "move_image", key=state.images[1].key, step=-1)
    set_variant(tab, 0, "price", "35")
    tab.send(ProductEditorState, "toggle_category", category_id=rain, checked=True)
    tab.send(ProductEditorState, "set_text", field="tags", value="Rain, waterproof")
    assert succeeded(tab.send(ProductEditorState, "save"))

    saved = detail(product_id)
    assert [i.url for i in saved.images] == [second, first]
    assert saved.variants[0].price == 3500 and saved.variants[0].available == 3
    assert [c.name for c in saved.categories] == ["Outerwear"]
    assert saved.tags == ["rain", "waterproof"]

    # A product with an order is archived, not deleted; the outcome is said.
    with unit_of_work() as session:
        inventory.record_movement(
            session, variant_id=saved.variants[0].id, kind="reserve", quantity=1
        )
    events = tab.send(ProductEditorState, "delete")
    assert any('["warning"]' in js and "archived" in js for js in events)
    assert detail(product_id).status == "archived"


def test_catalog_manager_deletes_a_never_ordered_product(manager_tab):
    product_id = make_product("Short Lived", sku="SHORT-1")
    state = manager_tab.state(ProductEditorState)
    state.editing_id, state.title = product_id, "Short Lived"

    events = manager_tab.send(ProductEditorState, "delete")

    assert succeeded(events) and redirects(manager_tab) == ["/admin/products"]
    assert product_count() == 0


def test_field_errors_land_next_to_their_inputs(manager_tab):
    make_product("Taken", sku="TAKEN-1")
    tab = manager_tab
    fill_new_product(tab, title="Oops", sku_prefix="OOPS")
    state = tab.state(ProductEditorState)
    set_variant(tab, 0, "price", "12.345")
    set_variant(tab, 1, "compare_at", "1")
    tab.send(ProductEditorState, "set_text", field="slug", value="Not A Slug")
    before = product_count()

    events = tab.send(ProductEditorState, "save")

    assert any('["error"]' in js for js in events)
    assert product_count() == before
    assert state.errors["slug"].startswith("Lowercase letters")
    assert state.variants[0].errors == {"price": "At most 2 decimals, like 12.50."}

    # Fixed slug and price: the model-level rule (compare-at above price) speaks up next.
    tab.send(ProductEditorState, "set_text", field="slug", value="")
    set_variant(tab, 0, "price", "12.34")
    tab.send(ProductEditorState, "save")
    assert state.errors["variants"] == "Compare-at price of OOPS-M must be above its price."

    # And a SKU another product uses is refused by the service, shown above the variants.
    set_variant(tab, 1, "compare_at", "")
    set_variant(tab, 1, "sku", "TAKEN-1")
    tab.send(ProductEditorState, "save")
    assert "TAKEN-1" in state.errors["variants"]
    assert product_count() == before


def test_option_axes_keep_typed_values_when_they_change():
    axes = [OptionAxis(key="a", name="Size", value_text="S, M")]
    rows = build_rows(axes, [VariantRow(key="first", sku="X", price="9.00")], "Tee")
    rows[1].price = "11.00"
    axes.append(OptionAxis(key="b", name="Colour", value_text="Red, Blue"))

    grown = build_rows(axes, rows, "Tee")

    assert [r.label for r in grown] == ["S / Red", "S / Blue", "M / Red", "M / Blue"]
    assert [r.key for r in grown[::2]] == [rows[0].key, rows[1].key]  # kept rows keep their id
    assert [r.price for r in grown] == ["9.00", "9.00", "11.00", "11.00"]
    assert grown[1].sku == "TEE-S-BLUE"


def test_catalog_manager_manages_the_category_tree(manager_tab):
    tab = manager_tab
    tab.send(CategoriesState, "load")
    tab.send(CategoriesState, "start_create", parent_id=0)
    tab.send(CategoriesState, "set_field", field="name", value="Clothing")
    assert succeeded(tab.send(CategoriesState, "save"))
    clothing = tab.state(CategoriesState).nodes[0].id
    tab.send(CategoriesState, "start_create", parent_id=clothing)
    tab.send(CategoriesState, "set_field", field="name", value="Tees")
    tab.send(CategoriesState, "save")
    state = tab.state(CategoriesState)
    assert [(n.name, n.depth) for n in state.nodes] == [("Clothing", 0), ("Tees", 1)]

    # A category cannot move under its own child: the parent field says why.
    tees = state.nodes[1].id
    tab.send(CategoriesState, "start_edit", category_id=clothing)
    tab.state(CategoriesState).parent = str(tees)  # forged: the select does not offer it
    tab.send(CategoriesState, "save")
    assert "outside this branch" in state.errors["parent_id"]

    # Rename and move Tees to the top level.
    tab.send(CategoriesState, "start_edit", category_id=tees)
    tab.send(CategoriesState, "set_field", field="name", value="T-shirts")
    tab.send(CategoriesState, "set_field", field="parent", value="root")
    assert succeeded(tab.send(CategoriesState, "save"))
    assert sorted((n.name, n.depth) for n in state.nodes) == [("Clothing", 0), ("T-shirts", 0)]

    # A category with products cannot go; an empty one can.
    product_id = make_product("Tee", sku="TEE-1")
    with unit_of_work() as session:
        from shop_core.catalog.schemas import ProductPatch

        products.update_product(session, product_id, ProductPatch(category_ids=[tees]))
    events = tab.send(CategoriesState, "delete", category_id=tees)
    assert any('["error"]' in js and "Products are still in this category" in js for js in events)
    assert succeeded(tab.send(CategoriesState, "delete", category_id=clothing))
    assert category_names() == ["T-shirts"]


def test_catalog_manager_builds_a_rule_collection_with_a_live_preview(manager_tab):
    make_product("Linen Shirt", sku="L-1", price=2500)
    make_product("Linen Trousers", sku="L-2", price=6000)
    make_product("Wool Hat", sku="W-1", price=1500)
    tab = manager_tab
    tab.send(CollectionsState, "load")
    tab.send(CollectionsState, "start_create")
    tab.send(CollectionsState, "set_field", field="title", value="Linen under 50")
    tab.send(CollectionsState, "set_field", field="kind", value="rule")
    state = tab.state(CollectionsState)
    rule = state.rules[0]
    tab.send(CollectionsState, "set_rule", key=rule.key, part="field", value="title")
    tab.send(CollectionsState, "set_rule", key=rule.key, part="value", value="linen")
    assert state.preview_total == 2

    tab.send(CollectionsState, "add_rule")
    price_rule = state.rules[1]
    tab.send(CollectionsState, "set_rule", key=price_rule.key, part="field", value="price")
    tab.send(CollectionsState, "set_rule", key=price_rule.key, part="op", value="lte")
    tab.send(CollectionsState, "set_rule", key=price_rule.key, part="value", value="50")
    assert state.preview_total == 1 and [p.title for p in state.preview_items] == ["Linen Shirt"]

    tab.send(CollectionsState, "set_field", field="match", value="any")
    assert state.preview_total == 3

    tab.send(CollectionsState, "set_field", field="match", value="all")
    assert succeeded(tab.send(CollectionsState, "save"))
    assert [(r.title, r.kind, r.count) for r in state.rows] == [("Linen under 50", "rule", 1)]
    assert "Price is at most €50.00" in state.rows[0].summary


def test_catalog_manager_picks_products_for_a_manual_collection(manager_tab):
    make_product("Linen Shirt", sku="L-1")
    make_product("Wool Hat", sku="W-1")
    tab = manager_tab
    tab.send(CollectionsState, "start_create")
    tab.send(CollectionsState, "set_field", field="title", value="Staff picks")
    tab.send(CollectionsState, "search_products", form_data={"q": "wool"})
    state = tab.state(CollectionsState)
    assert [p.title for p in state.search_results] == ["Wool Hat"]
    tab.send(CollectionsState, "add_product", product_id=state.search_results[0].id)

    assert succeeded(tab.send(CollectionsState, "save"))
    assert [(r.title, r.count) for r in state.rows] == [("Staff picks", 1)]

    tab.send(CollectionsState, "start_edit", collection_id=state.rows[0].id)
    assert [p.title for p in state.chosen] == ["Wool Hat"]


def test_catalog_manager_receives_and_adjusts_stock(manager_tab):
    make_product("Socks", sku="SOCK-1")
    tab = manager_tab
    tab.send(InventoryState, "search", form_data={"q": "SOCK-1"})
    state = tab.state(InventoryState)
    assert (state.sku, state.on_hand) == ("SOCK-1", 4)

    tab.send(InventoryState, "set_field", field="delta", value="6")
    assert succeeded(tab.send(InventoryState, "record"))
    tab.send(InventoryState, "set_field", field="reason", value="adjustment")
    tab.send(InventoryState, "set_field", field="delta", value="-20")
    events = tab.send(InventoryState, "record")
    assert any('["error"]' in js for js in events)
    assert state.errors == {"delta": "More than is available."}
    assert state.available == 10 and [m.kind for m in state.movements] == ["receive", "receive"]

    tab.send(InventoryState, "set_field", field="threshold_text", value="12")
    assert succeeded(tab.send(InventoryState, "save_threshold"))
    assert [r.sku for r in state.low] == ["SOCK-1"]
