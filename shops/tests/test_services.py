"""Campaigns, shares and inspections through the services."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from communities.models import User
from communities.tests.factories import UserFactory
from shops import services
from shops.models import Assignment, Inspection, Shop, ShopEvent

from .conftest import START, answers, at, first_share, inspect
from .factories import ShopFactory

Role = User.Role
Kind = ShopEvent.Kind


def test_campaign_defaults_to_one_month_and_cleans_its_roads(world):
    campaign = services.campaign_create(
        street=world["nodes"]["street"],
        title="扫街",
        starts_on=START,
        roads=[" 通达街 ", "", "通达街", "小店路"],
        by=world["users"]["street_supervisor"],
    )
    assert campaign.ends_on == START + timedelta(days=30)
    assert campaign.roads == ["通达街", "小店路"]


def test_campaign_must_be_a_street(world):
    with pytest.raises(ValidationError) as error:
        services.campaign_create(
            street=world["nodes"]["community"], title="x", starts_on=START, by=None
        )
    assert "street" in error.value.message_dict


def test_group_members_must_fit_their_slots(sweep):
    users = sweep["users"]
    with pytest.raises(ValidationError) as error:
        services.group_create(
            campaign=sweep["campaign"],
            grid_worker=users["outsider_grid_worker"],
            market_officer=users["community_staff"],
            enforcement_officer=users["market"],
        )
    assert set(error.value.message_dict) == {"grid_worker", "market_officer"}
    with pytest.raises(ValidationError) as error:
        services.group_create(
            campaign=sweep["campaign"],
            grid_worker=users["grid_worker"],
            market_officer=users["market"],
            enforcement_officer=users["market"],
        )
    assert "enforcement_officer" in error.value.message_dict


def test_split_by_road_gives_each_group_a_contiguous_equal_share(sweep):
    campaign = sweep["campaign"]
    shares = {
        group.number: list(
            Shop.objects.filter(assignments__group=group).values_list("road", flat=True)
        )
        for group in sweep["groups"]
    }
    assert shares == {1: ["小店路"] * 3, 2: ["通达街"] * 3}
    # a new shop on a campaign road joins the next split; the split replaces the shares
    ShopFactory(grid=sweep["nodes"]["grid_a"], road="通达街", address="通达街9号")
    assert services.shares_split_by_road(campaign=campaign) == {1: 4, 2: 3}
    assert Assignment.objects.filter(campaign=campaign).count() == 7


def test_split_even_sizes():
    assert [len(r) for r in services.split_evenly(list(range(10)), 3)] == [4, 3, 3]
    assert services.split_evenly([], 2) == [[], []]


def test_assign_moves_only_target_shops(sweep):
    campaign, group_1 = sweep["campaign"], sweep["groups"][0]
    moving = first_share(sweep, 1)
    outside = sweep["shops"]["grid_a"]  # no road: not in the campaign's target
    assert (
        services.shares_assign(campaign=campaign, group=group_1, shop_ids=[moving.pk, outside.pk])
        == 1
    )
    assert Assignment.objects.get(campaign=campaign, shop=moving).group == group_1
    assert not Assignment.objects.filter(shop=outside).exists()


def test_all_pass_posts_a_green_placard(sweep):
    shop = first_share(sweep)
    inspection = inspect(sweep, shop)
    shop.refresh_from_db()
    assert inspection.outcome == Inspection.Outcome.GREEN
    assert (shop.placard, shop.state, shop.reminders) == ("green", "open", 0)
    assert inspection.group == sweep["groups"][0]
    assert list(shop.events.values_list("kind", flat=True)) == [Kind.GREEN]
    inspect(sweep, shop, day=1, member="market")  # green again: no change, no new event
    assert shop.events.count() == 1
    assert shop.inspections.count() == 2


def test_two_reminders_then_the_red_placard_then_a_reinspection(sweep):
    shop = first_share(sweep)
    inspect(sweep, shop, day=0, masks_worn=False)
    shop.refresh_from_db()
    assert (shop.placard, shop.reminders, shop.rectify_by) == ("none", 1, START + timedelta(2))
    inspect(sweep, shop, day=3, masks_worn=False)  # the deadline (day 2) has passed
    shop.refresh_from_db()
    assert (shop.reminders, shop.rectify_by) == (2, START + timedelta(5))
    inspect(sweep, shop, day=6, venue_code_used=False, member="enforcer")
    shop.refresh_from_db()
    assert (shop.placard, shop.state) == ("red", "closed")
    assert shop.reinspection_due == START + timedelta(days=9)

    with pytest.raises(ValidationError) as error:  # the 3 days are not over
        inspect(sweep, shop, day=8)
    assert "shop" in error.value.message_dict
    assert shop.inspections.count() == 3

    inspect(sweep, shop, day=9, supplies_in_place=False)  # still failing: 3 more days
    shop.refresh_from_db()
    assert (shop.placard, shop.reinspection_due) == ("red", START + timedelta(days=12))
    last = inspect(sweep, shop, day=12)
    shop.refresh_from_db()
    assert last.is_reinspection
    assert (shop.placard, shop.state, shop.reminders, shop.reinspection_due) == (
        "green",
        "open",
        0,
        None,
    )
    assert list(shop.events.values_list("kind", flat=True)) == [
        Kind.REMINDER,
        Kind.REMINDER,
        Kind.RED,
        Kind.RED_KEPT,
        Kind.RED_REMOVED,
    ]
    red = shop.events.get(kind=Kind.RED)
    assert (red.by, red.state_before, red.state_after) == (
        sweep["users"]["enforcer"],
        "open",
        "closed",
    )


def test_issue_10_three_failures_in_two_minutes_are_one_reminder(sweep):
    """The bug: a failure at 02:41 (reminder 1, rectify by day 2), the same failure by a
    second member at 02:42 and again at 02:42 gave reminder 2 and then the red placard."""
    shop = first_share(sweep)
    inspect(sweep, shop, hour=2, minute=41, masks_worn=False)
    inspect(sweep, shop, hour=2, minute=42, member="market", masks_worn=False)
    inspect(sweep, shop, hour=2, minute=42, member="market", masks_worn=False)
    shop.refresh_from_db()
    assert (shop.placard, shop.state, shop.reminders, shop.rectify_by) == (
        "none",
        "open",
        1,
        START + timedelta(days=2),
    )
    assert list(shop.inspections.order_by("pk").values_list("outcome", flat=True)) == [
        "reminder",
        "repeat",
        "repeat",
    ]
    assert list(shop.events.values_list("kind", flat=True)) == [Kind.REMINDER]


def test_a_failure_counts_again_only_after_the_deadline_day(sweep, settings):
    shop = first_share(sweep)
    rectify, closure = settings.SHOP_RECTIFY_DAYS, settings.SHOP_CLOSURE_DAYS
    assert settings.SHOP_MAX_REMINDERS == 2

    def failing(day, member="grid_worker"):
        inspection = inspect(sweep, shop, day=day, member=member, codes_checked=False)
        shop.refresh_from_db()
        return inspection.outcome, shop.reminders, shop.rectify_by, shop.placard, shop.state

    first_deadline = START + timedelta(days=rectify)
    assert failing(0) == ("reminder", 1, first_deadline, "none", "open")
    for day in range(1, rectify + 1):  # up to and including the deadline day
        assert failing(day, "market") == ("in_period", 1, first_deadline, "none", "open")
    second_deadline = first_deadline + timedelta(days=1 + rectify)
    assert failing(rectify + 1) == ("reminder", 2, second_deadline, "none", "open")
    assert failing(2 * rectify + 1, "enforcer") == ("in_period", 2, second_deadline, "none", "open")
    red_day = 2 * rectify + 2
    assert failing(red_day) == ("red", 2, None, "red", "closed")
    assert shop.reinspection_due == START + timedelta(days=red_day + closure)
    assert list(shop.events.values_list("kind", flat=True)) == [
        Kind.REMINDER,
        Kind.REMINDER,
        Kind.RED,
    ]
    assert shop.inspections.count() == rectify + 4  # every visit is on record


def test_one_counted_inspection_per_shop_and_day(sweep):
    shop = first_share(sweep)
    inspect(sweep, shop, day=0, hour=9, masks_worn=False)
    # rectified on the spot: the pass the same day is recorded but the day is decided
    rechecked = inspect(sweep, shop, day=0, hour=15, member="market")
    shop.refresh_from_db()
    assert rechecked.outcome == Inspection.Outcome.REPEAT
    assert (shop.placard, shop.reminders) == ("none", 1)
    # the next day's pass earns green, within the rectification period
    inspect(sweep, shop, day=1, hour=8, member="enforcer")
    # and a failure later that day changes nothing either
    late = inspect(sweep, shop, day=1, hour=23, minute=59, venue_code_used=False)
    shop.refresh_from_db()
    assert late.outcome == Inspection.Outcome.REPEAT
    assert (shop.placard, shop.reminders, shop.rectify_by) == ("green", 0, None)
    # the local day counts: 00:01 is a new day
    early = inspect(sweep, shop, day=2, hour=0, minute=1, venue_code_used=False)
    assert early.outcome == Inspection.Outcome.REMINDER
    assert list(shop.events.values_list("kind", flat=True)) == [
        Kind.REMINDER,
        Kind.GREEN,
        Kind.REMINDER,
    ]


def test_reinspection_allowed_after_the_campaign_ends(sweep):
    shop = first_share(sweep)
    for day in (0, 3, 29):
        inspect(sweep, shop, day=day, masks_worn=False)
    shop.refresh_from_db()
    assert shop.placard == "red"
    inspect(sweep, shop, day=32)  # the month is over; the group comes back all the same
    shop.refresh_from_db()
    assert shop.placard == "green"


def test_a_missing_answer_stores_nothing(sweep):
    shop = first_share(sweep)
    partial = answers()
    partial.pop("venue_code_used")
    partial["masks_worn"] = None
    with pytest.raises(ValidationError) as error:
        services.inspection_record(shop=shop, by=sweep["users"]["grid_worker"], answers=partial)
    assert set(error.value.message_dict) == {"venue_code_used", "masks_worn"}
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("member", ["grid_worker_b", "street_supervisor", "inspector"])
def test_only_the_groups_share_can_be_inspected(sweep, member):
    shop = first_share(sweep, 0)  # group 1's
    with pytest.raises(ValidationError) as error:
        services.inspection_record(
            shop=shop, by=sweep["users"][member], answers=answers(), now=at(0)
        )
    assert "shop" in error.value.message_dict
    assert not Inspection.objects.exists()


def test_no_inspection_before_or_after_the_campaign(sweep):
    shop = first_share(sweep)
    for day in (-1, 31):
        with pytest.raises(ValidationError):
            inspect(sweep, shop, day=day)
    assert not Inspection.objects.exists()


def test_inspection_updates_the_venue_code_on_the_register(sweep):
    shop = first_share(sweep)
    Shop.objects.filter(pk=shop.pk).update(venue_code_posted=True)
    inspect(sweep, shop, venue_code_posted=False)
    shop.refresh_from_db()
    assert shop.venue_code_posted is False


def rows(*specs):
    return [{"row": n, **spec} for n, spec in enumerate(specs, start=2)]


GOOD = {
    "name": "通达大药房",
    "address": "通达街1号",
    "community": "通达街社区",
    "grid": "第1网格",
    "road": "通达街",
    "kind": "药店",
    "licence_number": "91140105MA0",
    "contact_phone": "13912345678",
    "venue_code_posted": "是",
}


def shops_import(*, street, rows):
    """Check, then store only a file without a refused row (the import path's way)."""
    refused, plan = services.shops_check(street=street, rows=rows)
    if not refused:
        services.shops_store(plan=plan)
    return refused, plan


def test_import_checks_every_row_and_stores_none_while_one_is_refused(world):
    street = world["nodes"]["street"]
    refused, _plan = shops_import(
        street=street,
        rows=rows(
            GOOD,
            {**GOOD, "name": "面馆", "grid": "2", "kind": "restaurant", "venue_code_posted": ""},
            {**GOOD, "contact_phone": "12345"},
            {**GOOD, "grid": "第9网格"},
            {**GOOD, "kind": "银行"},
            {**GOOD, "name": ""},
            GOOD,
        ),
    )
    assert [row for row, _name, _reason in refused] == [4, 5, 6, 7, 8]
    assert "第9网格" in refused[1][2]
    assert "2" in refused[4][2]  # repeats row 2
    assert not Shop.objects.filter(name__in=["通达大药房", "面馆"]).exists()

    refused, plan = shops_import(
        street=street,
        rows=rows(
            GOOD,
            {**GOOD, "name": "面馆", "grid": "2", "kind": "restaurant", "venue_code_posted": ""},
        ),
    )
    assert not refused and len(plan["added"]) == 2
    shop = Shop.objects.get(name="通达大药房")
    assert (shop.kind, shop.grid, shop.venue_code_posted, shop.road) == (
        "pharmacy",
        world["nodes"]["grid_a"],
        True,
        "通达街",
    )
    assert Shop.objects.get(name="面馆").grid == world["nodes"]["grid_b"]

    refused, plan = shops_import(street=street, rows=rows({**GOOD, "venue_code_posted": "否"}))
    assert not refused and (len(plan["added"]), len(plan["changed"])) == (0, 1)
    shop.refresh_from_db()
    assert shop.venue_code_posted is False
    assert Shop.objects.filter(name="通达大药房").count() == 1


def test_import_cannot_place_shops_in_another_street(world):
    refused, _plan = shops_import(
        street=world["nodes"]["street"],
        rows=rows({**GOOD, "community": "尖草坪社区", "grid": "第1网格"}),
    )
    assert refused
    assert not Shop.objects.filter(name="通达大药房").exists()


def test_an_inspector_placed_in_another_district_cannot_join(sweep):
    other = UserFactory(role=Role.INSPECTOR, jurisdiction=sweep["nodes"]["other_district"])
    with pytest.raises(ValidationError) as error:
        services.group_create(
            campaign=sweep["campaign"],
            grid_worker=sweep["users"]["grid_worker"],
            market_officer=other,
            enforcement_officer=sweep["users"]["market"],
        )
    assert "market_officer" in error.value.message_dict


def at_once(sweep, shop, *visits) -> tuple[list, list]:
    """Each visit (member, failed items, token) saved by a thread of its own, all released
    at the same moment on day 1; what the service returned, and the errors."""
    barrier = threading.Barrier(len(visits))
    results, errors = [], []

    def save(member, failed, token):
        try:
            barrier.wait()
            results.append(
                services.inspection_record(
                    shop=Shop.objects.get(pk=shop.pk),
                    by=sweep["users"][member],
                    answers=answers(**failed),
                    now=at(1),
                    token=token,
                )
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=visit) for visit in visits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_inspectors_at_once_both_kept_and_only_the_first_counts(sweep):
    """Two members save the same shop at the same moment, one passing it and one not: the
    row lock makes one wait and find the other's inspection counted today, so its own is
    recorded as the day's repeat and changes nothing."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (row locks); run it in the PostgreSQL pass")
    shop = first_share(sweep)
    # reminded once already: without the lock, both would find nothing counted today, both
    # would count and the shop would follow whichever saved last
    Shop.objects.filter(pk=shop.pk).update(reminders=1)
    _results, errors = at_once(
        sweep, shop, ("grid_worker", {}, None), ("market", {"masks_worn": False}, None)
    )
    assert errors == []
    first, later = shop.inspections.order_by("pk")
    assert later.outcome == Inspection.Outcome.REPEAT
    shop.refresh_from_db()
    if first.outcome == Inspection.Outcome.GREEN:  # the pass came first
        assert (shop.placard, shop.reminders) == ("green", 0)
    else:  # the failure came first: the second reminder
        assert (first.outcome, shop.placard, shop.reminders) == ("reminder", "none", 2)
    assert shop.events.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_records_once(sweep):
    """The same checklist submitted twice at the same moment: the second waits for the
    shop's lock, then finds the token and returns the first inspection (checked before the
    lock, both would insert and the second would fail on the unique token)."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (row locks); run it in the PostgreSQL pass")
    shop = first_share(sweep)
    tap = ("market", {"masks_worn": False}, uuid.uuid4())
    results, errors = at_once(sweep, shop, tap, tap)
    assert errors == []
    (first, first_created), (second, second_created) = results
    assert first == second == Inspection.objects.get()
    assert sorted([first_created, second_created]) == [False, True]
    shop.refresh_from_db()
    assert (shop.reminders, shop.events.count()) == (1, 1)


def test_an_inactive_inspector_cannot_join(sweep):
    users = sweep["users"]
    User.objects.filter(pk=users["market"].pk).update(is_active=False)
    users["market"].refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.group_create(
            campaign=sweep["campaign"],
            grid_worker=users["grid_worker"],
            market_officer=users["market"],
            enforcement_officer=users["enforcer"],
        )
    assert set(error.value.message_dict) == {"market_officer"}
