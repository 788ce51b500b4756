"""Customer list, profile and tags against hand-made fixtures (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shop_core.audit.models import AuditEntry
from shop_core.customers import service as customers
from shop_core.db import read_session, unit_of_work
from shop_core.errors import InvalidInput, NotFound, PermissionDenied
from tests.integration.customers_fixtures import build_world, days_ago


@pytest.fixture
def world():
    return build_world()


def _list(**kw):
    with read_session() as s:
        return customers.list_customers(s, **kw)


def test_list_figures_are_net_of_refunds_and_exclude_staff(world):
    page = _list(sort="spent_desc")
    assert page.total == 4
    rows = {r.email: r for r in page.items}
    assert set(rows) == {
        "ava@example.com",
        "noah@example.com",
        "zoe@example.org",
        "liam@example.com",
    }
    ava = rows["ava@example.com"]
    assert (ava.orders_count, ava.total_spent) == (2, 13000)  # 10000 + 5000 - 2000
    assert ava.last_order_at == pytest.approx(
        days_ago(5), abs=__import__("datetime").timedelta(seconds=1)
    )
    assert ava.tags == ("vip",)
    assert (rows["noah@example.com"].orders_count, rows["noah@example.com"].total_spent) == (
        1,
        3000,
    )
    assert rows["noah@example.com"].tags == ("vip", "wholesale")
    assert (rows["liam@example.com"].orders_count, rows["liam@example.com"].total_spent) == (1, 0)
    zoe = rows["zoe@example.org"]
    assert (zoe.orders_count, zoe.total_spent, zoe.last_order_at) == (0, 0, None)
    assert [r.id for r in page.items][:2] == [world.ava, world.noah]


def test_sorts(world):
    assert [r.id for r in _list(sort="newest").items] == [
        world.zoe,
        world.liam,
        world.noah,
        world.ava,
    ]
    assert [r.id for r in _list(sort="spent_asc").items][-1] == world.ava
    assert [r.id for r in _list(sort="orders_desc").items][0] == world.ava
    assert [r.id for r in _list(sort="last_order_desc").items] == [
        world.ava,
        world.liam,
        world.noah,
        world.zoe,
    ]
    assert [r.id for r in _list(sort="last_order_asc").items] == [
        world.noah,
        world.liam,
        world.ava,
        world.zoe,
    ]
    assert [r.name for r in _list(sort="name").items] == [
        "Ava Lindqvist",
        "Liam Okafor",
        "Noah Brennan",
        "Zoë Moreau",
    ]


def test_search_and_filters(world):
    assert [r.id for r in _list(q="NOA").items] == [world.noah]
    assert [r.id for r in _list(q="example.org").items] == [world.zoe]
    assert [r.id for r in _list(q="okafor").items] == [world.liam]
    assert _list(q="%").total == 0  # wildcards are literal text, not patterns
    assert {r.id for r in _list(tag="VIP").items} == {world.ava, world.noah}
    assert [r.id for r in _list(min_spent=5000).items] == [world.ava]
    assert {r.id for r in _list(min_spent=0).items} == {
        world.ava,
        world.noah,
        world.zoe,
        world.liam,
    }
    assert [r.id for r in _list(has_orders=False).items] == [world.zoe]
    assert {r.id for r in _list(has_orders=True).items} == {world.ava, world.noah, world.liam}
    assert [r.id for r in _list(last_order_before=days_ago(30)).items] == [world.noah]
    assert {r.id for r in _list(last_order_after=days_ago(30)).items} == {world.ava, world.liam}
    both = _list(tag="vip", last_order_after=days_ago(30))
    assert [r.id for r in both.items] == [world.ava]


def test_pagination(world):
    first = _list(sort="name", per_page=3)
    second = _list(sort="name", per_page=3, page=2)
    assert (first.total, len(first.items), len(second.items)) == (4, 3, 1)
    assert second.items[0].name == "Zoë Moreau"
    # the same through the aggregate path (sorted by a figure), and past the last page
    by_spent = _list(sort="spent_desc", per_page=3, page=2)
    assert (by_spent.total, [r.id for r in by_spent.items]) == (4, [world.liam])  # ties by id
    for kw in ({"sort": "spent_desc"}, {"sort": "name"}):
        beyond = _list(per_page=3, page=5, **kw)
        assert (beyond.total, beyond.items) == (4, [])
    assert _list(q="nobody-at-all").total == 0


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"sort": "bogus"}, "sort"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 101}, "per_page"),
        ({"page": 0}, "page"),
        ({"min_spent": -1}, "min_spent"),
        ({"tag": "no good!"}, "tag"),
    ],
)
def test_bad_list_input_is_422(world, kw, field):
    with pytest.raises(InvalidInput) as err:
        _list(**kw)
    assert err.value.status == 422 and field in err.value.fields


def test_profile_hand_computed(world):
    with read_session() as s:
        p = customers.customer_profile(s, world.ava, per_page=2)
    assert (p.name, p.email) == ("Ava Lindqvist", "ava@example.com")
    assert p.orders_count == 2
    assert p.lifetime_value == 13000
    assert p.refunds_total == 2000
    assert p.average_order_value == 6500
    assert p.open_tickets == 1
    assert p.tags == ("vip",)
    assert [a.city for a in p.addresses] == ["Oslo"] and p.addresses[0].is_default
    # every order of the customer, any status, newest first, paginated
    assert p.orders.total == 4 and len(p.orders.items) == 2
    assert [o.status for o in p.orders.items] == ["pending_payment", "cancelled"]
    with read_session() as s:
        older = customers.customer_orders(s, world.ava, page=2, per_page=2)
    assert [(o.status, o.total, o.amount_refunded, o.items_count) for o in older.items] == [
        ("partially_refunded", 5000, 2000, 1),
        ("paid", 10000, 0, 2),
    ]
    assert p.tickets.total == 2
    assert [t.status for t in p.tickets.items] == ["resolved", "open"]
    assert p.first_order_at < p.last_order_at


def test_profile_without_orders_and_not_found(world):
    with read_session() as s:
        p = customers.customer_profile(s, world.zoe)
        assert (p.orders_count, p.lifetime_value, p.average_order_value) == (0, 0, 0)
        assert p.orders.total == 0 and p.addresses == ()
        with pytest.raises(NotFound):
            customers.customer_profile(s, world.staff_with_orders)
        with pytest.raises(NotFound):
            customers.customer_profile(s, 999_999)


def test_tags_normalized_idempotent_audited(world):
    with unit_of_work() as s:
        assert customers.add_tag(s, world.support, world.zoe, "  Big Spender ") == (
            "big-spender",
            "newsletter",
        )
        assert customers.add_tag(s, world.marketer, world.zoe, "big-spender") == (
            "big-spender",
            "newsletter",
        )
    with unit_of_work() as s:
        assert customers.remove_tag(s, world.owner, world.zoe, "NEWSLETTER") == ("big-spender",)
        assert customers.remove_tag(s, world.owner, world.zoe, "absent") == ("big-spender",)
    with read_session() as s:
        actions = s.exec(
            select(AuditEntry.action, AuditEntry.actor_email).order_by(AuditEntry.id)
        ).all()
        assert actions == [
            ("customer.tag_added", "support@shop.test"),
            ("customer.tag_removed", "owner@shop.test"),
        ]
        tags = {t.tag: t.customers for t in customers.list_tags(s)}
    assert tags == {"vip": 2, "big-spender": 1, "wholesale": 1}


@pytest.mark.parametrize("bad", ["", "   ", "!!", "-lead", "x" * 41, "a/b", "tag,other"])
def test_bad_tags_are_422(world, bad):
    with unit_of_work() as s, pytest.raises(InvalidInput) as err:
        customers.add_tag(s, world.owner, world.zoe, bad)
    assert "tag" in err.value.fields


def test_tagging_needs_customers_view(world):
    with unit_of_work() as s:
        with pytest.raises(PermissionDenied):
            customers.add_tag(s, world.operations, world.zoe, "vip")
        with pytest.raises(PermissionDenied):
            customers.remove_tag(s, world.operations, world.ava, "vip")
        with pytest.raises(NotFound):
            customers.add_tag(s, world.owner, world.staff_with_orders, "vip")
    assert _list(tag="vip").total == 2
