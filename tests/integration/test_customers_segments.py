"""Rule-based segments: each rule against hand-made fixtures, validation, permissions."""

from __future__ import annotations

import pytest

from shop_core.customers import segments
from shop_core.db import read_session, unit_of_work
from shop_core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.integration.customers_fixtures import build_world


@pytest.fixture
def world():
    return build_world()


def _members(rules, match="all") -> set[int]:
    with read_session() as s:
        result = segments.preview(s, rules, match, limit=50)
        assert result.count == len(result.members)
        return {m.id for m in result.members}


def test_each_rule(world):
    w = world
    # net spent: ava 13000, noah 3000, liam 0 (fully refunded), zoe 0 (never ordered)
    assert _members([{"type": "spent_over", "value": 3000}]) == {w.ava}
    assert _members([{"type": "spent_over", "value": 2999}]) == {w.ava, w.noah}
    assert _members([{"type": "spent_under", "value": 3000}]) == {w.liam, w.zoe}
    assert _members([{"type": "orders_at_least", "value": 2}]) == {w.ava}
    assert _members([{"type": "orders_at_least", "value": 1}]) == {w.ava, w.noah, w.liam}
    # last sales orders: ava 5 days ago, liam 10, noah 200; cancelled/pending don't count
    assert _members([{"type": "ordered_in_days", "value": 7}]) == {w.ava}
    assert _members([{"type": "ordered_in_days", "value": 30}]) == {w.ava, w.liam}
    assert _members([{"type": "no_order_in_days", "value": 30}]) == {w.noah, w.zoe}
    assert _members([{"type": "no_order_in_days", "value": 3}]) == {w.ava, w.noah, w.liam, w.zoe}
    assert _members([{"type": "has_tag", "value": "VIP"}]) == {w.ava, w.noah}
    assert _members([{"type": "has_tag", "value": "nobody-has-this"}]) == set()
    # ava bought a tee (Tees, child of Clothing) and a mug; noah a jacket (Clothing)
    assert _members([{"type": "bought_from_category", "value": w.clothing}]) == {w.ava, w.noah}
    assert _members([{"type": "bought_from_category", "value": w.tees}]) == {w.ava}
    assert _members([{"type": "bought_from_category", "value": w.mugs}]) == {w.ava}


def test_match_all_and_any(world):
    w = world
    rules = [{"type": "has_tag", "value": "vip"}, {"type": "no_order_in_days", "value": 30}]
    assert _members(rules, "all") == {w.noah}
    assert _members(rules, "any") == {w.ava, w.noah, w.zoe}


def test_form_text_values_are_accepted():
    assert segments.validate_rules([{"type": "spent_over", "value": " 1500 "}]) == [
        {"type": "spent_over", "value": 1500}
    ]
    assert segments.validate_rules([{"type": "has_tag", "value": " Big Spender"}]) == [
        {"type": "has_tag", "value": "big-spender"}
    ]


@pytest.mark.parametrize(
    "rules,match,field",
    [
        ([], "all", "rules"),
        ([{"type": "spent_over", "value": 1}], "some", "match"),
        ([{"type": "favourite_colour", "value": "red"}], "all", "rules.0"),
        ([{"value": 3}], "all", "rules.0"),
        (
            [{"type": "spent_over", "value": 1}, {"type": "spent_over", "value": -5}],
            "all",
            "rules.1",
        ),
        ([{"type": "spent_over", "value": "abc"}], "all", "rules.0"),
        ([{"type": "spent_over", "value": 12.5}], "all", "rules.0"),
        ([{"type": "no_order_in_days", "value": 0}], "all", "rules.0"),
        ([{"type": "ordered_in_days", "value": 5000}], "all", "rules.0"),
        ([{"type": "orders_at_least", "value": 0}], "all", "rules.0"),
        ([{"type": "has_tag", "value": "!!"}], "all", "rules.0"),
        ([{"type": "spent_over", "value": 1, "extra": True}], "all", "rules.0"),
        ([{"type": "spent_over", "value": 1}] * 21, "all", "rules"),
    ],
)
def test_bad_rules_are_422(rules, match, field):
    with pytest.raises(InvalidInput) as err:
        segments.validate_rules(rules, match)
    assert err.value.status == 422
    assert field in err.value.fields, err.value.fields


def test_unknown_category_is_422(world):
    with read_session() as s, pytest.raises(InvalidInput) as err:
        segments.preview(s, [{"type": "bought_from_category", "value": 987654}])
    assert "rules.0" in err.value.fields


def test_saved_segments_crud_counts_and_members(world):
    w = world
    with unit_of_work() as s:
        vip = segments.create_segment(
            s,
            w.marketer,
            name="VIPs",
            rules=[{"type": "has_tag", "value": "vip"}],
            description="Tagged VIP",
        )
        lapsed = segments.create_segment(
            s, w.owner, name="Lapsed", rules=[{"type": "no_order_in_days", "value": "30"}]
        )
    assert (vip.member_count, lapsed.member_count) == (2, 2)
    assert lapsed.rules == ({"type": "no_order_in_days", "value": 30},)
    assert vip.created_by == w.marketer.id
    with read_session() as s:
        listed = segments.list_segments(s, per_page=1)
        assert (listed.total, [v.name for v in listed.items]) == (2, ["Lapsed"])
        assert listed.items[0].member_count == 2
        members = segments.segment_members(s, vip.id, sort="spent_desc")
        assert [m.id for m in members.items] == [w.ava, w.noah]
        assert members.items[0].total_spent == 13000
        second = segments.segment_members(s, vip.id, per_page=1, page=2)
        assert (second.total, [m.id for m in second.items]) == (2, [w.noah])
        name, stmt = segments.segment_members_select(s, lapsed.id)
        rows = s.execute(stmt.execution_options(yield_per=1)).all()
    assert name == "Lapsed"
    assert [r._fields for r in rows][0] == segments.MEMBER_COLUMNS
    assert sorted(r.id for r in rows) == sorted([w.noah, w.zoe])
    assert [r.id for r in rows] == sorted(r.id for r in rows)

    with unit_of_work() as s:
        updated = segments.update_segment(
            s,
            w.marketer,
            vip.id,
            name="VIP big spenders",
            rules=[{"type": "has_tag", "value": "vip"}, {"type": "spent_over", "value": 5000}],
        )
    assert (updated.name, updated.member_count) == ("VIP big spenders", 1)
    with unit_of_work() as s:
        segments.delete_segment(s, w.owner, lapsed.id)
    with read_session() as s:
        assert segments.list_segments(s).total == 1
        with pytest.raises(NotFound):
            segments.get_segment(s, lapsed.id)


def test_duplicate_names_conflict(world):
    with unit_of_work() as s:
        segments.create_segment(
            s, world.owner, name="Fans", rules=[{"type": "has_tag", "value": "a"}]
        )
    with unit_of_work() as s:
        with pytest.raises(Conflict) as err:
            segments.create_segment(
                s, world.owner, name="fans", rules=[{"type": "has_tag", "value": "b"}]
            )
        assert err.value.status == 409
        other = segments.create_segment(
            s, world.owner, name="Other", rules=[{"type": "has_tag", "value": "b"}]
        )
        with pytest.raises(Conflict):
            segments.update_segment(
                s, world.owner, other.id, name="FANS", rules=[{"type": "has_tag", "value": "b"}]
            )


def test_segment_writes_need_marketing_manage(world):
    rules = [{"type": "has_tag", "value": "vip"}]
    with unit_of_work() as s:
        seg = segments.create_segment(s, world.marketer, name="VIP", rules=rules)
    for actor in (world.support, world.operations):
        with unit_of_work() as s:
            with pytest.raises(PermissionDenied):
                segments.create_segment(s, actor, name="Nope", rules=rules)
            with pytest.raises(PermissionDenied):
                segments.update_segment(s, actor, seg.id, name="Nope", rules=rules)
            with pytest.raises(PermissionDenied):
                segments.delete_segment(s, actor, seg.id)
    with read_session() as s:
        assert [v.name for v in segments.list_segments(s).items] == ["VIP"]
