"""Anomalies are resolved, not swept away (DOMAIN.md section 5): the pure rule of the code
they give back, the service, the resolve form on the resident's page, the queue, and the
resolution in the code history."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from communities import services
from communities.models import Anomaly, NucleicAcidTest, PersonDecision
from communities.rules.anomalies import EXCLUDING, AnomalyState, code_to_return

from .factories import ResidentFactory, UserFactory, announcement_publish, arrival_file

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"
TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}
EXCLUDED, RETEST, TRANSFERRED = (
    "fever_clinic_excluded",
    "retest_negative",
    "transferred",
)


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


# --- The rule: which code a resolution gives back --------------------------------------------


def closed(code_before, rule_before, outcome):
    return AnomalyState(code_before, rule_before, open=False, outcome=outcome)


@pytest.mark.parametrize(
    ("anomalies", "code_rule", "back"),
    [
        # one anomaly, excluded: the code it interrupted
        ([closed("red", "R3", EXCLUDED)], "anomaly", ("red", "R3")),
        ([closed("yellow", "R4", RETEST)], "anomaly", ("yellow", "R4")),
        ([closed("green", "R0", EXCLUDED)], "anomaly", ("green", "R0")),
        # transferred for medical care: the red stays
        ([closed("red", "R3", TRANSFERRED)], "anomaly", None),
        # another one still open holds the code red
        (
            [closed("red", "R3", EXCLUDED), AnomalyState("", "", open=True)],
            "anomaly",
            None,
        ),
        # a person changed the code since (a manual yellow): it is theirs
        ([closed("red", "R3", EXCLUDED)], "manual", None),
        # two at once: the second stored no code; the first one's comes back
        ([closed("red", "R3", EXCLUDED), closed("", "", RETEST)], "anomaly", ("red", "R3")),
        # ... unless one of them was not excluded
        ([closed("red", "R3", TRANSFERRED), closed("", "", EXCLUDED)], "anomaly", None),
        ([closed("red", "R3", EXCLUDED), closed("", "", TRANSFERRED)], "anomaly", None),
        # an earlier run (closed without an outcome before outcomes existed) is not this one
        (
            [closed("red", "R1", ""), closed("green", "manual", EXCLUDED)],
            "anomaly",
            ("green", "manual"),
        ),
        # nothing to return to
        ([closed("", "", EXCLUDED)], "anomaly", None),
        ([], "anomaly", None),
    ],
)
def test_the_code_a_resolution_gives_back(anomalies, code_rule, back):
    assert code_to_return(anomalies, code_rule=code_rule) == back


def test_the_excluding_outcomes_are_outcomes_of_the_model():
    assert {
        Anomaly.Outcome.FEVER_CLINIC_EXCLUDED,
        Anomaly.Outcome.RETEST_NEGATIVE,
        Anomaly.Outcome.WITHDRAWN,
    } == EXCLUDING
    assert Anomaly.Outcome.TRANSFERRED not in EXCLUDING


# --- The service -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def announcement(db):
    return announcement_publish(DEMO)


@pytest.fixture
def red(world):
    """The resident of grid_a back from a case county: red, R3, under "7+5"."""
    resident = world["residents"]["grid_a"]
    arrival_file(resident, place=("广东省", "佛山市", "禅城区"), days_ago=1)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R3")
    return resident


def fever(resident, temperature="38.2", day=TODAY, by=None) -> Anomaly:
    followup = services.followup_record(
        resident=resident,
        day=day,
        temperature=Decimal(temperature),
        symptoms=[],
        note="",
        by=by or UserFactory(),
    )
    return Anomaly.objects.get(followup=followup)


def resolve(anomaly, by, outcome=EXCLUDED, note="发热门诊排除新冠，体温已正常"):
    return services.anomaly_resolve(anomaly=anomaly, outcome=outcome, note=note, by=by)


def test_an_excluded_fever_gives_back_the_code_it_interrupted_by_the_resolver(world, red):
    staff = world["users"]["community_staff"]
    anomaly = fever(red)
    red.refresh_from_db()
    assert (red.code, red.code_rule) == ("red", "anomaly")
    resolve(anomaly, staff)
    anomaly.refresh_from_db()
    assert (anomaly.outcome, anomaly.resolution_note, anomaly.resolved_by) == (
        EXCLUDED,
        "发热门诊排除新冠，体温已正常",
        staff,
    )
    assert anomaly.resolved_at is not None
    red.refresh_from_db()
    assert (red.code, red.code_rule) == ("red", "R3")
    event = red.code_events.first()
    assert (event.from_code, event.to_code, event.rule, event.actor) == ("red", "red", "R3", staff)
    assert "发热门诊排除" in event.reason and "体温已正常" in event.reason
    decision = PersonDecision.objects.get(resident=red)
    assert (decision.kind, decision.code, decision.by) == ("anomaly", "red", staff)
    assert "发热门诊排除" in decision.reason
    assert red.decision_stands_at == decision.at
    assert red.measures.filter(state="active").exists()  # the measure runs on


def test_transferred_for_medical_care_keeps_the_red(world, red):
    district = world["users"]["district_office"]
    resolve(fever(red), district, outcome=TRANSFERRED, note="转运至定点医院")
    red.refresh_from_db()
    assert (red.code, red.code_rule) == ("red", "anomaly")
    decision = PersonDecision.objects.get(resident=red)
    assert (decision.code, decision.by) == ("red", district)
    assert not red.anomalies.filter(resolved_at__isnull=True).exists()


def test_the_code_comes_back_only_with_the_last_open_anomaly(world, red):
    staff = world["users"]["community_staff"]
    first = fever(red)
    second = services.anomaly_raise(resident=red, kind="symptom", detail="咳嗽")
    assert (second.code_before, second.rule_before) == ("", "")
    resolve(first, staff)
    red.refresh_from_db()
    assert red.code_rule == "anomaly"
    resolve(second, staff, outcome=RETEST, note="复检阴性")
    red.refresh_from_db()
    assert (red.code, red.code_rule) == ("red", "R3")
    assert PersonDecision.objects.filter(resident=red, kind="anomaly").count() == 2


def test_a_code_a_person_changed_meanwhile_is_left_as_it_is(world, red):
    anomaly = fever(red)
    proposal = services.proposal_create(
        resident=red, to_code="yellow", reason="居家监测", by=world["users"]["district_office"]
    )
    services.proposal_decide(
        proposal=proposal, approve=True, note="", by=world["users"]["city_office"]
    )
    resolve(anomaly, world["users"]["community_staff"])
    red.refresh_from_db()
    assert (red.code, red.code_rule) == ("yellow", "manual")


@pytest.fixture
def r4(world):
    """Back from 肇庆市 (an epidemic city) three days ago: yellow R4, three tests."""
    announcement_publish(
        {
            "title": "提示 涉疫地市",
            "effective": "2022-03-28",
            "epidemic_cities": [{"province": "广东省", "city": "肇庆市", "since": "2022-03-13"}],
        }
    )
    resident = world["residents"]["grid_b"]
    arrival_file(resident, place=("广东省", "肇庆市", "端州区"), days_ago=3)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("yellow", "R4")
    return resident


@pytest.mark.parametrize(("negatives", "back"), [(3, ("green", "R4")), (2, ("yellow", "R4"))])
def test_back_to_r4_is_released_when_its_three_tests_are_negative(world, r4, negatives, back):
    tests = list(NucleicAcidTest.objects.filter(resident=r4).order_by("due"))
    for test in tests[:2]:
        services.test_result_record(test=test, result="negative", sampled_at=None, by=None)
    anomaly = services.anomaly_raise(resident=r4, kind="symptom", detail="咽痛")
    if negatives == 3:  # the third negative comes while the anomaly holds the code red
        services.test_result_record(test=tests[2], result="negative", sampled_at=None, by=None)
    r4.refresh_from_db()
    assert (r4.code, r4.code_rule) == ("red", "anomaly")
    staff = world["users"]["community_staff"]
    resolve(anomaly, staff, outcome=RETEST, note="复检阴性，症状消失")
    r4.refresh_from_db()
    assert (r4.code, r4.code_rule) == back
    event = r4.code_events.first()
    assert (event.to_code, event.rule, event.actor) == (back[0], "R4", staff)
    assert PersonDecision.objects.get(resident=r4).code == back[0]


@pytest.mark.parametrize("role", ["community_staff", "district_office", "admin", "superuser"])
def test_community_staff_the_district_and_administrators_resolve(world, red, role):
    resolve(fever(red), world["users"][role])
    assert Anomaly.objects.get().outcome == EXCLUDED


@pytest.mark.parametrize("role", ["grid_worker", "street_supervisor", "city_office", "inspector"])
def test_other_roles_may_not_resolve(world, red, role):
    anomaly = fever(red)
    with pytest.raises(PermissionDenied):
        resolve(anomaly, world["users"][role])
    anomaly.refresh_from_db()
    assert anomaly.resolved_at is None and not PersonDecision.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "note"), [(EXCLUDED, ""), (EXCLUDED, "   "), ("", "x"), ("cured", "x")]
)
def test_an_outcome_and_a_note_are_required(world, red, outcome, note):
    anomaly = fever(red)
    with pytest.raises(ValidationError):
        resolve(anomaly, world["users"]["community_staff"], outcome=outcome, note=note)
    anomaly.refresh_from_db()
    assert anomaly.resolved_at is None and not PersonDecision.objects.exists()


def test_an_anomaly_is_resolved_once(world, red):
    anomaly = fever(red)
    resolve(anomaly, world["users"]["community_staff"])
    with pytest.raises(ValidationError):
        resolve(anomaly, world["users"]["district_office"], outcome=TRANSFERRED)
    anomaly.refresh_from_db()
    assert anomaly.outcome == EXCLUDED
    assert PersonDecision.objects.count() == 1


def test_a_manual_green_goes_through_once_the_anomaly_is_resolved(world, red):
    anomaly = fever(red)
    proposal = services.proposal_create(
        resident=red, to_code="green", reason="隔离期满", by=world["users"]["district_office"]
    )
    city = world["users"]["city_office"]
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(proposal=proposal, approve=True, note="", by=city)
    assert "38.2" in " ".join(refused.value.messages)
    proposal.refresh_from_db()
    red.refresh_from_db()
    assert (proposal.state, red.code) == ("pending", "red")
    resolve(anomaly, world["users"]["community_staff"])
    services.proposal_decide(proposal=proposal, approve=True, note="", by=city)
    red.refresh_from_db()
    assert (red.code, red.code_rule) == ("green", "manual")


def test_the_admin_site_shows_anomalies_but_closes_none(client, world, red):
    anomaly = fever(red)
    client.force_login(world["users"]["superuser"])
    url = reverse("admin:communities_anomaly_change", args=[anomaly.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"resident": red.pk, "kind": "fever", "detail": "x"})
    assert response.status_code == 403
    anomaly.refresh_from_db()
    assert anomaly.resolved_at is None


# --- The resident's page ---------------------------------------------------------------------


def page(client, user, resident):
    client.force_login(user)
    return client.get(reverse("communities:resident-detail", args=[resident.pk]))


def resolve_url(anomaly) -> str:
    return reverse("care:anomaly-resolve", args=[anomaly.pk])


def form_data(anomaly, outcome=EXCLUDED, note="发热门诊排除新冠"):
    return {f"anomaly-{anomaly.pk}-outcome": outcome, f"anomaly-{anomaly.pk}-note": note}


@pytest.mark.parametrize("role", ["community_staff", "district_office"])
def test_each_open_anomaly_has_a_resolve_form_with_nothing_chosen(client, world, red, role):
    anomaly = fever(red)
    response = page(client, world["users"][role], red)
    html = response.content.decode()
    assert html.count('data-testid="resolve-form"') == 1
    assert f'action="{resolve_url(anomaly)}"' in html
    form = response.context["anomalies"][0].resolve_form
    assert form["outcome"].value() is None and not form.is_bound
    assert '<option value="" selected>' in html  # the empty choice, not an outcome
    for label in ("发热门诊排除", "复检阴性", "转运就医"):
        assert label in html


@pytest.mark.parametrize("role", ["grid_worker", "street_supervisor", "city_office"])
def test_roles_that_do_not_resolve_see_no_form_and_cannot_post(client, world, red, role):
    anomaly = fever(red)
    assert (
        'data-testid="resolve-form"' not in page(client, world["users"][role], red).content.decode()
    )
    assert client.post(resolve_url(anomaly), form_data(anomaly)).status_code == 403
    anomaly.refresh_from_db()
    assert anomaly.resolved_at is None


def test_resolving_on_the_page_shows_the_outcome_note_who_and_when(client, world, red):
    staff = world["users"]["community_staff"]
    anomaly = fever(red)
    client.force_login(staff)
    response = client.post(resolve_url(anomaly), form_data(anomaly), follow=True)
    assert response.redirect_chain[-1][0] == reverse("communities:resident-detail", args=[red.pk])
    html = response.content.decode()
    assert 'data-testid="resolve-form"' not in html
    resolution = html[html.index('data-testid="resolution"') :]
    resolution = resolution[: resolution.index("</div>")]
    anomaly.refresh_from_db()
    for part in (
        "发热门诊排除",
        "发热门诊排除新冠",
        str(staff),
        f"{timezone.localtime(anomaly.resolved_at):%Y-%m-%d %H:%M}",
    ):
        assert part in resolution, part
    assert response.context["resident"].code_rule == "R3"


def test_the_code_history_interleaves_the_resolution_with_the_events(client, world, red):
    anomaly = fever(red)
    resolve(anomaly, world["users"]["community_staff"])
    response = page(client, world["users"]["district_office"], red)
    kinds = [entry.kind for entry in response.context["history"]]
    assert kinds == ["event", "decision", "event", "event"]  # newest first
    timeline = response.content.decode()
    timeline = timeline[timeline.index('data-testid="timeline"') :]
    restored = timeline.index("红码 → 红码 (R3)")
    resolved = timeline.index("异常已处置")
    raised = timeline.index("红码 → 红码 (异常)")
    assigned = timeline.index("绿码 → 红码 (R3)")
    assert restored < resolved < raised < assigned


def test_a_refused_resolution_comes_back_on_its_form_and_stores_nothing(client, world, red):
    anomaly = fever(red)
    client.force_login(world["users"]["community_staff"])
    response = client.post(resolve_url(anomaly), form_data(anomaly, note=""), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="resolve-form"' in html
    assert in_chinese("Write what was found and who found it.") in html
    assert "<html" not in html  # the anomaly alone, for htmx to swap
    response = client.post(resolve_url(anomaly), form_data(anomaly, outcome=""))
    assert response.status_code == 200
    assert in_chinese("Choose the outcome of the anomaly.") in response.content.decode()
    anomaly.refresh_from_db()
    assert anomaly.resolved_at is None and not PersonDecision.objects.exists()


def test_a_resolution_sent_twice_is_refused_on_the_form(client, world, red):
    anomaly = fever(red)
    client.force_login(world["users"]["community_staff"])
    client.post(resolve_url(anomaly), form_data(anomaly))
    response = client.post(resolve_url(anomaly), form_data(anomaly, outcome=TRANSFERRED), **HTMX)
    assert in_chinese("This anomaly was already resolved.") in response.content.decode()
    anomaly.refresh_from_db()
    assert anomaly.outcome == EXCLUDED


def test_htmx_goes_back_to_the_residents_page_when_resolved(client, world, red):
    anomaly = fever(red)
    client.force_login(world["users"]["district_office"])
    response = client.post(resolve_url(anomaly), form_data(anomaly), **HTMX)
    assert response["HX-Redirect"] == reverse("communities:resident-detail", args=[red.pk])


def test_the_resolve_page_without_javascript_shows_the_anomaly_and_its_form(client, world, red):
    anomaly = fever(red)
    client.force_login(world["users"]["community_staff"])
    html = client.get(resolve_url(anomaly)).content.decode()
    assert "38.2" in html and 'data-testid="resolve-form"' in html


@pytest.fixture
def outsider_district(world):
    return UserFactory(role="district_office", jurisdiction=world["nodes"]["other_district"])


@pytest.fixture
def outsider_staff(world):
    return UserFactory(role="community_staff", jurisdiction=world["nodes"]["other_community"])


def test_outsiders_get_404_on_the_resolve_and_an_empty_queue(
    client, world, red, outsider_district, outsider_staff
):
    anomaly = fever(red)
    for user in (outsider_district, outsider_staff, world["users"]["outsider_grid_worker"]):
        client.force_login(user)
        assert client.post(resolve_url(anomaly), form_data(anomaly)).status_code == 404
        assert client.get(resolve_url(anomaly)).status_code == 404
    for user in (outsider_district, outsider_staff):
        client.force_login(user)
        assert list(client.get(reverse("care:anomaly-list")).context["page"]) == []
    anomaly.refresh_from_db()
    assert anomaly.resolved_at is None


# --- The queue (异常待处置) ------------------------------------------------------------------


def test_the_queue_lists_open_anomalies_most_recent_first_and_is_pinned(
    client, world, red, django_assert_num_queries
):
    old = fever(red)
    Anomaly.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=5))
    other = ResidentFactory(grid=world["nodes"]["grid_b"], name="李咳嗽")
    new = services.anomaly_raise(resident=other, kind="symptom", detail="咳嗽")
    done = services.anomaly_raise(resident=red, kind="symptom", detail="已处置的")
    resolve(done, world["users"]["community_staff"])
    outside = ResidentFactory(grid=world["nodes"]["other_grid"])
    services.anomaly_raise(resident=outside, kind="symptom", detail="别处")
    client.force_login(world["users"]["community_staff"])
    with django_assert_num_queries(5):  # session, user, node, count, page
        response = client.get(reverse("care:anomaly-list"))
    assert [a.pk for a in response.context["page"]] == [new.pk, old.pk]
    html = response.content.decode()
    assert f"{reverse('communities:resident-detail', args=[other.pk])}#anomaly-{new.pk}" in html
    assert "已处置的" not in html and "别处" not in html
    assert red.id_number not in html and "140105********" in html  # masked


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("community_staff", 200),
        ("district_office", 200),
        ("admin", 200),
        ("grid_worker", 403),
        ("street_supervisor", 403),
        ("city_office", 403),
        ("inspector", 403),
    ],
)
def test_the_queue_opens_only_for_roles_that_resolve(client, world, role, status):
    client.force_login(world["users"][role])
    assert client.get(reverse("care:anomaly-list")).status_code == status
    html = client.get(reverse("home")).content.decode()
    assert (reverse("care:anomaly-list") in html) == (status == 200)


def test_the_home_page_counts_open_anomalies_and_links_the_number(client, world, red):
    fever(red)
    outside = ResidentFactory(grid=world["nodes"]["other_grid"])
    services.anomaly_raise(resident=outside, kind="symptom", detail="别处")
    link = f'href="{reverse("care:anomaly-list")}" data-testid="waiting-anomalies"'
    for role in ("community_staff", "district_office"):
        client.force_login(world["users"][role])
        html = client.get(reverse("home")).content.decode()
        assert link in html
        assert 'data-testid="count-anomalies">1<' in html
    client.force_login(world["users"]["grid_worker"])  # resolving is not the grid worker's
    assert 'data-testid="waiting-anomalies"' not in client.get(reverse("home")).content.decode()
