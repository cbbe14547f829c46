"""The grid workers' daily care: the day's tests (one tap or a results file) and the daily
follow-ups of residents under a measure."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from communities import services
from communities.models import (
    Anomaly,
    ControlMeasure,
    FollowUp,
    HealthCodeEvent,
    NucleicAcidTest,
    Resident,
    Symptom,
)
from notices.models import Notice

from .factories import ResidentFactory, announcement_publish, arrival_file

TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    """A file cache of the test's own (conftest.own_cache)."""


def pending(resident, *, due=TODAY, kind="landing"):
    return NucleicAcidTest.objects.create(resident=resident, kind=kind, due=due)


def under_measure(resident, *, start, days, code="yellow", rule="R6"):
    """An active measure of `days` days from `start` (built directly: no rule gives one
    of an arbitrary length)."""
    Resident.objects.filter(pk=resident.pk).update(code=code, code_rule=rule)
    end = start + timedelta(days=days - 1)
    return ControlMeasure.objects.create(
        resident=resident,
        rule=rule,
        phases=[{"kind": "home_health_monitoring", "days": days}],
        start=start,
        end=end,
        release_due=end + timedelta(days=1),
    )


def in_chinese(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


def local(day, hour=10, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# --- The day's test list ---------------------------------------------------------------------


def test_list_shows_todays_and_overdue_tests_by_due_then_scheduling_and_is_pinned(
    client, world, django_assert_num_queries
):
    grid_a = world["nodes"]["grid_a"]
    zhang = ResidentFactory(grid=grid_a, name="A张三")
    li = ResidentFactory(grid=grid_a, name="B李四")
    pending(zhang, due=TODAY)
    pending(li, due=TODAY)
    pending(zhang, due=TODAY - timedelta(days=2), kind="followup")
    pending(li, due=TODAY + timedelta(days=1), kind="followup")  # not yet due
    done = pending(li, due=TODAY - timedelta(days=1))
    NucleicAcidTest.objects.filter(pk=done.pk).update(result="negative")
    pending(world["residents"]["grid_b"], due=TODAY)  # not the grid worker's grid
    client.force_login(world["users"]["grid_worker"])
    # session, user, node, the worker's grids (access.served_grid_ids), recent results,
    # count, page
    with django_assert_num_queries(7):
        response = client.get(reverse("care:test-list"))
    rows = [(t.resident.name, t.due) for t in response.context["page"]]
    assert rows == [
        ("A张三", TODAY - timedelta(days=2)),
        ("A张三", TODAY),
        ("B李四", TODAY),
    ]
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert html.index('data-testid="overdue"') < html.index("B李四")
    assert zhang.id_number not in html and zhang.id_number[:6] + "********" in html
    assert html.count('data-testid="positive"') == 3 and html.count("hx-confirm=") == 3


def test_one_tap_negative_records_the_result_and_returns_the_row(client, world):
    resident = world["residents"]["grid_a"]
    test = pending(resident)
    client.force_login(world["users"]["grid_worker"])
    response = client.post(
        reverse("care:test-record", args=[test.pk]), {"result": "negative"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="recorded"' in html and 'data-testid="turned-red"' not in html
    assert "<html" not in html  # the row only
    test.refresh_from_db()
    assert test.result == "negative" and test.sampled_at is not None
    resident.refresh_from_db()
    assert resident.code == "green" and not Anomaly.objects.exists()


def test_one_tap_positive_turns_the_code_red_and_alerts_community_street_and_district(
    client, world
):
    resident = world["residents"]["grid_a"]
    test = pending(resident)
    client.force_login(world["users"]["grid_worker"])
    response = client.post(
        reverse("care:test-record", args=[test.pk]), {"result": "positive"}, **HTMX
    )
    assert 'data-testid="turned-red"' in response.content.decode()
    test.refresh_from_db()
    resident.refresh_from_db()
    assert (test.result, resident.code) == ("positive", "red")
    anomaly = Anomaly.objects.get()
    assert (anomaly.resident, anomaly.kind, anomaly.test) == (resident, "positive_test", test)
    users = world["users"]
    assert {a.recipient for a in Notice.objects.all()} == {
        users["community_staff"],  # issue 13: the community's staff resolve anomalies too
        users["street_supervisor"],
        users["district_office"],
    }
    event = HealthCodeEvent.objects.get(resident=resident)
    assert (event.to_code, event.actor) == ("red", None)


def test_the_sample_time_entered_is_recorded_with_who_recorded_it(client, world):
    test = pending(world["residents"]["grid_a"], due=YESTERDAY)
    worker = world["users"]["grid_worker"]
    client.force_login(worker)
    response = client.post(
        reverse("care:test-record", args=[test.pk]),
        {"result": "negative", "sampled_at": f"{YESTERDAY}T08:40"},
        **HTMX,
    )
    assert f"{YESTERDAY} 08:40" in response.content.decode()
    test.refresh_from_db()
    assert (test.result, test.sampled_at, test.recorded_by) == (
        "negative",
        local(YESTERDAY, 8, 40),
        worker,
    )
    assert timezone.now() - test.recorded_at < timedelta(minutes=1)


def test_the_row_offers_now_as_the_sample_time_from_the_day_before_due(client, world):
    pending(world["residents"]["grid_a"], due=YESTERDAY)
    client.force_login(world["users"]["grid_worker"])
    before = timezone.localtime().replace(second=0, microsecond=0)
    html = client.get(reverse("care:test-list")).content.decode()
    after = timezone.localtime()
    offered = re.search(r'name="sampled_at" value="([^"]+)"', html).group(1)
    assert before <= timezone.make_aware(datetime.fromisoformat(offered)) <= after
    assert f'min="{YESTERDAY - timedelta(days=1)}T00:00"' in html
    assert f'max="{offered}"' in html


@pytest.mark.parametrize(
    ("sampled_at", "recorded"),
    [
        (local(TODAY - timedelta(days=3), 0, 0), True),  # the day before due, from midnight
        (local(TODAY - timedelta(days=4), 23, 59), False),  # two days before due
        (timezone.now() + timedelta(minutes=5), False),  # in the future
    ],
)
def test_a_sample_is_taken_from_the_day_before_due_until_now(world, sampled_at, recorded):
    test = pending(world["residents"]["grid_a"], due=TODAY - timedelta(days=2))
    record = lambda: services.test_result_record(  # noqa: E731
        test=test, result="positive", sampled_at=sampled_at, by=world["users"]["grid_worker"]
    )
    if recorded:
        record()
    else:
        with pytest.raises(ValidationError) as refused:
            record()
        assert set(refused.value.message_dict) == {"sampled_at"}
    test.refresh_from_db()
    assert test.result == ("positive" if recorded else "pending")
    assert Anomaly.objects.exists() == recorded


@pytest.mark.parametrize(
    ("entered", "says"),
    [
        (
            lambda: (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "晚于现在",
        ),
        (lambda: f"{TODAY - timedelta(days=2)}T23:59", "前一天"),
        (lambda: "昨天早上", "日期"),
    ],
)
def test_a_refused_sample_time_comes_back_in_the_row_with_why(client, world, entered, says):
    test = pending(world["residents"]["grid_a"])
    client.force_login(world["users"]["grid_worker"])
    value = entered()
    with translation.override("zh-hans"):
        response = client.post(
            reverse("care:test-record", args=[test.pk]),
            {"result": "negative", "sampled_at": value},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
            **HTMX,
        )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="record-error"' in html
    assert says in html and f'value="{value}"' in html  # what was entered, to correct
    test.refresh_from_db()
    assert (test.result, test.sampled_at, test.recorded_by) == ("pending", None, None)


def test_a_refused_sample_time_without_htmx_is_a_message_on_the_list(client, world):
    test = pending(world["residents"]["grid_a"])
    client.force_login(world["users"]["grid_worker"])
    response = client.post(
        reverse("care:test-record", args=[test.pk]),
        {"result": "negative", "sampled_at": f"{TODAY - timedelta(days=5)}T10:00"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("care:test-list"), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    test.refresh_from_db()
    assert test.result == "pending"


def test_a_second_tap_changes_nothing(client, world):
    test = pending(world["residents"]["grid_a"])
    client.force_login(world["users"]["grid_worker"])
    url = reverse("care:test-record", args=[test.pk])
    client.post(url, {"result": "negative"}, **HTMX)
    response = client.post(url, {"result": "positive"}, **HTMX)
    assert 'data-testid="already"' in response.content.decode()
    test.refresh_from_db()
    assert test.result == "negative" and not Anomaly.objects.exists()


def test_a_tap_without_htmx_redirects_to_the_list_and_junk_is_refused(client, world):
    test = pending(world["residents"]["grid_a"])
    client.force_login(world["users"]["grid_worker"])
    url = reverse("care:test-record", args=[test.pk])
    assert client.post(url, {"result": "pending"}).status_code == 400
    assert client.get(url).status_code == 405
    response = client.post(url, {"result": "negative"})
    assert response.status_code == 302 and response.url == reverse("care:test-list")


def publish_epidemic_city():
    announcement_publish(
        {
            "title": "提示 涉疫地市",
            "effective": "2022-03-28",
            "epidemic_cities": [{"province": "广东省", "city": "肇庆市", "since": "2022-03-13"}],
        }
    )


@pytest.fixture
def r4_case(world):
    """A resident back from 肇庆市 (an epidemic city) three days ago: yellow R4, with the
    landing test and two follow-up tests due by today."""
    publish_epidemic_city()
    resident = world["residents"]["grid_a"]
    arrival_file(
        resident, place=("广东省", "肇庆市", "端州区"), days_ago=3, by=world["users"]["grid_worker"]
    )
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("yellow", "R4")
    return resident


def test_r4_third_negative_releases_yellow_to_green_by_the_system(client, world, r4_case):
    tests = list(NucleicAcidTest.objects.filter(resident=r4_case).order_by("due"))
    assert len(tests) == 3
    client.force_login(world["users"]["grid_worker"])
    assert len(client.get(reverse("care:test-list")).context["page"]) == 3
    for n, test in enumerate(tests, start=1):
        client.post(reverse("care:test-record", args=[test.pk]), {"result": "negative"}, **HTMX)
        r4_case.refresh_from_db()
        assert r4_case.code == ("green" if n == 3 else "yellow")
    event = HealthCodeEvent.objects.filter(resident=r4_case).latest("pk")
    assert (event.kind, event.from_code, event.to_code, event.rule, event.actor) == (
        "release",
        "yellow",
        "green",
        "R4",
        None,
    )


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor", "inspector"])
def test_outsiders_get_404_on_a_test_and_see_no_tests(client, world, role):
    resident = world["residents"]["grid_a"]
    test = pending(resident)
    client.force_login(world["users"][role])
    url = reverse("care:test-record", args=[test.pk])
    assert client.post(url, {"result": "positive"}, **HTMX).status_code == 404
    html = client.get(reverse("care:test-list")).content.decode()
    assert resident.name not in html
    test.refresh_from_db()
    assert test.result == "pending" and not Anomaly.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, world):
    test = pending(world["residents"]["grid_a"])
    resident = world["residents"]["grid_a"]
    for url in (
        reverse("care:test-list"),
        reverse("care:followup-list"),
        reverse("care:followup-record", args=[resident.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    response = client.post(reverse("care:test-record", args=[test.pk]), {"result": "negative"})
    assert response.status_code == 302


@pytest.fixture
def worker(client, world):
    client.force_login(world["users"]["grid_worker"])
    return world["users"]["grid_worker"]


# --- Daily follow-ups --------------------------------------------------------------------------


def record(client, resident, follow=False, **data):
    values = {"day": str(TODAY), "temperature": "36.5", "note": ""}
    values.update(data)
    url = reverse("care:followup-record", args=[resident.pk])
    return client.post(url, values, follow=follow)


def test_a_normal_follow_up_is_recorded_and_shown_on_the_list(client, world, worker):
    resident = world["residents"]["grid_a"]
    under_measure(resident, start=TODAY - timedelta(days=2), days=7)
    page = client.get(reverse("care:followup-record", args=[resident.pk]))
    assert page.context["form"].initial["day"] == TODAY
    response = record(client, resident, temperature="36.6")
    assert response.status_code == 302 and response.url == reverse("care:followup-list")
    followup = FollowUp.objects.get()
    assert (followup.day, followup.temperature, followup.recorded_by) == (
        TODAY,
        Decimal("36.6"),
        worker,
    )
    resident.refresh_from_db()
    assert resident.code == "yellow" and not Anomaly.objects.exists()
    html = client.get(reverse("care:followup-list")).content.decode()
    assert 'data-testid="today"' in html and "36.6" in html


def test_a_fever_of_37_5_turns_red_alerts_and_blocks_the_release(client, world, worker):
    resident = world["residents"]["grid_a"]
    measure = under_measure(resident, start=TODAY - timedelta(days=6), days=7)
    response = record(client, resident, temperature="37.5", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    resident.refresh_from_db()
    assert resident.code == "red"
    anomaly = Anomaly.objects.get()
    assert (anomaly.kind, anomaly.followup) == ("fever", FollowUp.objects.get())
    assert [row.today_anomalous for row in response.context["rows"]] == [True]
    users = world["users"]
    assert {a.recipient for a in Notice.objects.all()} == {
        users["community_staff"],
        users["street_supervisor"],
        users["district_office"],
    }
    assert services.resident_release(resident=resident, today=measure.release_due) is False
    measure.refresh_from_db()
    resident.refresh_from_db()
    assert (measure.state, resident.code) == ("active", "red")


def test_a_clean_measure_is_released_when_it_ends(client, world, worker):
    resident = world["residents"]["grid_a"]
    measure = under_measure(resident, start=TODAY - timedelta(days=6), days=7)
    record(client, resident, temperature="36.8")
    assert services.resident_release(resident=resident, today=measure.release_due) is True


def test_a_symptom_turns_red_at_a_normal_temperature(client, world, worker):
    resident = world["residents"]["grid_a"]
    under_measure(resident, start=TODAY, days=7)
    record(client, resident, temperature="36.5", symptoms=["cough", "fatigue"])
    assert Anomaly.objects.get().kind == "symptom"
    resident.refresh_from_db()
    assert resident.code == "red"
    response = client.get(reverse("care:followup-list"))
    row = response.context["rows"][0]
    assert row.today_anomalous
    assert row.today_symptoms == [
        in_chinese(Symptom.COUGH.label),
        in_chinese(Symptom.FATIGUE.label),
    ]


@pytest.mark.parametrize(
    "temperature", ["33.9", "43.1", "36.55", "abc", ""], ids=["low", "high", "2dp", "junk", "none"]
)
def test_a_temperature_outside_34_to_43_with_one_decimal_is_refused(
    client, world, worker, temperature
):
    resident = world["residents"]["grid_a"]
    under_measure(resident, start=TODAY, days=7)
    response = record(client, resident, temperature=temperature)
    assert response.status_code == 200 and response.context["form"].has_error("temperature")
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("start", "days", "day"),
    [
        (TODAY - timedelta(days=10), 7, TODAY - timedelta(days=2)),  # after the measure
        (TODAY - timedelta(days=2), 7, TODAY + timedelta(days=1)),  # in the future
        (TODAY - timedelta(days=2), 7, TODAY - timedelta(days=3)),  # before it began
    ],
    ids=["after-end", "future", "before-start"],
)
def test_a_follow_up_outside_the_measure_or_in_the_future_is_refused(
    client, world, worker, start, days, day
):
    resident = world["residents"]["grid_a"]
    under_measure(resident, start=start, days=days)
    response = record(client, resident, day=str(day))
    assert response.status_code == 200
    message = "The day must fall within the measure and not after today."
    assert response.context["form"].non_field_errors() == [in_chinese(gettext_lazy(message))]
    assert not FollowUp.objects.exists()


def test_a_second_follow_up_for_the_same_day_is_refused(client, world, worker):
    resident = world["residents"]["grid_a"]
    under_measure(resident, start=TODAY - timedelta(days=1), days=7)
    assert record(client, resident, temperature="36.5").status_code == 302
    response = record(client, resident, temperature="36.9")
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert FollowUp.objects.get().temperature == Decimal("36.5")


def test_a_resident_not_under_a_measure_cannot_be_followed_up(client, world, worker):
    resident = world["residents"]["grid_a"]
    page = client.get(reverse("care:followup-record", args=[resident.pk])).content.decode()
    assert 'data-testid="no-measure"' in page
    response = record(client, resident)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not FollowUp.objects.exists()


def test_missing_follow_ups_count_as_overdue_and_the_list_is_pinned(
    client, world, worker, django_assert_num_queries
):
    grid_a = world["nodes"]["grid_a"]
    late = ResidentFactory(grid=grid_a, name="A甲")
    done = ResidentFactory(grid=grid_a, name="B乙")
    ended = ResidentFactory(grid=grid_a, name="C丙")
    under_measure(late, start=TODAY - timedelta(days=4), days=10)
    under_measure(done, start=TODAY - timedelta(days=1), days=10)
    under_measure(ended, start=TODAY - timedelta(days=9), days=7)  # ended two days ago
    under_measure(world["residents"]["grid_b"], start=TODAY, days=7)  # not the worker's
    for day in (TODAY - timedelta(days=4), TODAY - timedelta(days=2)):
        services.followup_record(
            resident=late, day=day, temperature=Decimal("36.5"), symptoms=[], note="", by=worker
        )
    for day in (TODAY - timedelta(days=1), TODAY):
        services.followup_record(
            resident=done, day=day, temperature=Decimal("36.4"), symptoms=[], note="", by=worker
        )
    for n in range(3, 10):
        services.followup_record(
            resident=ended,
            day=TODAY - timedelta(days=n),
            temperature=Decimal("36.4"),
            symptoms=[],
            note="",
            by=worker,
        )
    # session, user, node, the worker's grids, count, measures, follow-ups
    with django_assert_num_queries(7):
        response = client.get(reverse("care:followup-list"))
    rows = {row.resident.name: row for row in response.context["rows"]}
    assert list(rows) == ["C丙", "A甲", "B乙"]  # the soonest released first
    assert rows["A甲"].missing == [TODAY - timedelta(days=3), TODAY - timedelta(days=1)]
    assert (rows["A甲"].overdue, rows["A甲"].today) == (2, None)
    assert (rows["B乙"].overdue, rows["B乙"].today.temperature) == (0, Decimal("36.4"))
    assert (rows["C丙"].overdue, rows["C丙"].due_today) == (0, False)
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 1 and html.count('data-testid="missing"') == 1
    assert html.count('data-testid="ended"') == 1
    assert world["residents"]["grid_b"].name not in html
    day_link = reverse("care:followup-record", args=[late.pk]) + f"?day={TODAY - timedelta(days=3)}"
    assert day_link in html
    assert client.get(day_link).context["form"].initial["day"] == TODAY - timedelta(days=3)


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor", "inspector"])
def test_outsiders_get_404_on_a_follow_up_and_see_nobody(client, world, role):
    resident = world["residents"]["grid_a"]
    under_measure(resident, start=TODAY, days=7)
    client.force_login(world["users"][role])
    url = reverse("care:followup-record", args=[resident.pk])
    assert client.get(url).status_code == 404
    assert record(client, resident, temperature="38.0").status_code == 404
    html = client.get(reverse("care:followup-list")).content.decode()
    assert resident.name not in html
    assert not FollowUp.objects.exists() and not Anomaly.objects.exists()
