"""The district's review tasks (DecisionReview): a stricter re-assessment met a person's
decision that stands. The district office proposes the change to the city in one step or
keeps the decision; the city reads the list. The rows are made directly (a factory), as the
recompute files them."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from communities import access, services
from communities.models import CodeChangeProposal, DecisionReview

from .factories import DecisionReviewFactory, ResidentFactory, UserFactory, announcement_publish

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"
HTMX = {"HTTP_HX_REQUEST": "true"}
EFFECT = "公告《市疫情防控办提示 3月28日》将使其转为红码（R1）"


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def announcement(db):
    return announcement_publish(DEMO)


@pytest.fixture
def review(world, announcement):
    """A review task of the resident of grid_a, who is green by the city's decision."""
    return DecisionReviewFactory(resident=world["residents"]["grid_a"], announcement=announcement)


@pytest.fixture
def outsider_district(world):
    return UserFactory(role="district_office", jurisdiction=world["nodes"]["other_district"])


def list_url() -> str:
    return reverse("review:decision-review-list")


def propose_url(review) -> str:
    return reverse("review:decision-review-propose", args=[review.pk])


def keep_url(review) -> str:
    return reverse("review:decision-review-keep", args=[review.pk])


# --- Who sees them ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("district_office", {"grid_a"}),
        ("city_office", {"grid_a", "other_grid"}),
        ("admin", {"grid_a", "other_grid"}),
        ("superuser", {"grid_a", "other_grid"}),
        ("grid_worker", set()),
        ("community_staff", set()),
        ("street_supervisor", set()),
        ("inspector", set()),
        ("outsider_supervisor", set()),
    ],
)
def test_reviews_for_gives_the_district_its_own_and_the_city_all(world, role, sees):
    made = {
        key: DecisionReviewFactory(resident=world["residents"][key])
        for key in ("grid_a", "other_grid")
    }
    visible = set(access.reviews_for(world["users"][role]))
    assert visible == {made[key] for key in sees}


def test_an_outsider_district_sees_only_its_own(world, outsider_district):
    DecisionReviewFactory(resident=world["residents"]["grid_a"])
    own = DecisionReviewFactory(resident=world["residents"]["other_grid"])
    assert list(access.reviews_for(outsider_district)) == [own]


# --- The list (待复核) ------------------------------------------------------------------------


def test_the_list_shows_what_the_announcement_would_do_and_the_decision_it_meets(
    client, world, review
):
    client.force_login(world["users"]["district_office"])
    response = client.get(list_url())
    html = response.content.decode()
    card = html[html.index('data-testid="review"') :]
    resident = review.resident
    assert resident.id_number not in html and resident.id_number[-4:] in card  # masked
    assert EFFECT in card
    decision = card[card.index('data-testid="decision"') :]
    decision = decision[: decision.index("</div>")]
    for part in ("人工改码", "绿码", "核酸阴性，误赋码", str(review.person_decision.by)):
        assert part in decision, part
    assert f"{timezone.localtime(review.person_decision.at):%Y-%m-%d %H:%M}" in decision
    assert "前" in card[card.index('data-testid="age"') :][:80]  # …分钟前
    assert 'data-testid="propose-form"' in card and 'data-testid="keep-form"' in card
    # the proposal's reason comes prefilled with the announcement and the task
    form = response.context["page"][0].propose_form
    assert EFFECT in form["reason"].value() and f"#{review.pk}" in form["reason"].value()


def test_the_list_is_pinned_in_queries(client, world, announcement, django_assert_num_queries):
    for _ in range(4):
        resident = ResidentFactory(grid=world["nodes"]["grid_b"])
        DecisionReviewFactory(resident=resident, announcement=announcement)
    client.force_login(world["users"]["district_office"])
    with django_assert_num_queries(5):  # session, user, node, count, page
        response = client.get(list_url())
    assert len(response.context["page"]) == 4
    client.force_login(world["users"]["city_office"])
    with django_assert_num_queries(4):  # session, user, count, page
        client.get(list_url())


def test_the_list_shows_open_tasks_first_and_filters_by_state(client, world, review):
    kept = DecisionReviewFactory(resident=world["residents"]["grid_b"], state="kept", note="已核实")
    client.force_login(world["users"]["district_office"])
    assert list(client.get(list_url()).context["page"]) == [review]
    page = client.get(list_url(), {"state": "kept"}).context["page"]
    assert list(page) == [kept]
    assert (
        'data-testid="propose-form"'
        not in client.get(list_url(), {"state": "kept"}).content.decode()
    )


def test_the_city_reads_the_list_and_cannot_act(client, world, review):
    client.force_login(world["users"]["city_office"])
    html = client.get(list_url()).content.decode()
    assert EFFECT in html and 'data-testid="propose-form"' not in html
    assert (
        client.post(propose_url(review), {f"review-{review.pk}-propose-reason": "x"}).status_code
        == 403
    )
    assert client.post(keep_url(review), {f"review-{review.pk}-keep-note": "x"}).status_code == 403
    review.refresh_from_db()
    assert review.state == "open"


@pytest.mark.parametrize(
    "role", ["grid_worker", "community_staff", "street_supervisor", "inspector"]
)
def test_other_roles_cannot_open_the_list(client, world, review, role):
    client.force_login(world["users"][role])
    assert client.get(list_url()).status_code == 403
    assert client.post(propose_url(review)).status_code == 404


def test_outsiders_get_404_and_an_empty_list(client, world, review, outsider_district):
    client.force_login(outsider_district)
    assert list(client.get(list_url()).context["page"]) == []
    assert client.get(reverse("review:decision-review", args=[review.pk])).status_code == 404
    data = {f"review-{review.pk}-propose-reason": "x"}
    assert client.post(propose_url(review), data).status_code == 404
    assert client.post(keep_url(review), {f"review-{review.pk}-keep-note": "x"}).status_code == 404
    review.refresh_from_db()
    assert review.state == "open" and not CodeChangeProposal.objects.exists()


# --- Propose the change (one step) -----------------------------------------------------------


def test_proposing_makes_a_proposal_the_city_decides_as_usual(client, world, review):
    district, city = world["users"]["district_office"], world["users"]["city_office"]
    client.force_login(district)
    form = client.get(list_url()).context["page"][0].propose_form
    reason = form["reason"].value() + "\n同意按新公告转码"
    response = client.post(propose_url(review), {f"review-{review.pk}-propose-reason": reason})
    assert response.status_code == 302 and response.url == list_url()
    review.refresh_from_db()
    proposal = CodeChangeProposal.objects.get()
    assert (review.state, review.proposal, review.handled_by) == ("proposed", proposal, district)
    assert review.handled_at is not None
    assert (proposal.resident, proposal.from_code, proposal.to_code, proposal.state) == (
        review.resident,
        "green",
        "red",
        "pending",
    )
    assert proposal.reason == reason and proposal.proposed_by == district
    services.proposal_decide(proposal=proposal, approve=True, note="同意", by=city)
    resident = review.resident
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "manual")


def test_a_reason_without_the_citation_gets_it_in_front(world, review):
    proposal = services.review_propose(
        review=review, reason="按新公告转码", by=world["users"]["district_office"]
    )
    assert proposal.reason.startswith(f"区级复核任务#{review.pk}：{EFFECT}")
    assert proposal.reason.endswith("\n按新公告转码")


def test_a_pending_proposal_is_a_clear_error_on_the_form(client, world, review):
    district = world["users"]["district_office"]
    services.proposal_create(resident=review.resident, to_code="yellow", reason="x", by=district)
    client.force_login(district)
    data = {f"review-{review.pk}-propose-reason": "按新公告转码"}
    for extra in ({}, HTMX):
        response = client.post(propose_url(review), data, **extra)
        html = response.content.decode()
        assert response.status_code == 200
        assert in_chinese("A proposal for this resident is already waiting.") in html
        assert ("<html" in html) is not bool(extra)
    review.refresh_from_db()
    assert review.state == "open" and review.proposal is None
    assert CodeChangeProposal.objects.count() == 1


def test_an_empty_reason_or_note_is_asked_for_and_nothing_stored(client, world, review):
    client.force_login(world["users"]["district_office"])
    response = client.post(propose_url(review), {f"review-{review.pk}-propose-reason": " "}, **HTMX)
    assert in_chinese("Give the reason for the proposal.") in response.content.decode()
    response = client.post(keep_url(review), {f"review-{review.pk}-keep-note": ""})
    assert in_chinese("Say why the decision is kept.") in response.content.decode()
    review.refresh_from_db()
    assert review.state == "open" and not CodeChangeProposal.objects.exists()


# --- Keep the decision -----------------------------------------------------------------------


def test_keeping_the_decision_changes_no_code(client, world, review):
    district = world["users"]["district_office"]
    client.force_login(district)
    response = client.post(
        keep_url(review), {f"review-{review.pk}-keep-note": "申诉材料属实"}, **HTMX
    )
    html = response.content.decode()
    assert "维持原决定" in html and "申诉材料属实" in html and 'data-testid="keep-form"' not in html
    review.refresh_from_db()
    assert (review.state, review.note, review.handled_by) == ("kept", "申诉材料属实", district)
    resident = review.resident
    resident.refresh_from_db()
    assert resident.code == "green" and not resident.code_events.exists()


def test_a_task_is_handled_once(world, review):
    district = world["users"]["district_office"]
    services.review_keep(review=review, note="属实", by=district)
    with pytest.raises(ValidationError):
        services.review_propose(review=review, reason="x", by=district)
    with pytest.raises(ValidationError):
        services.review_keep(review=review, note="again", by=district)
    review.refresh_from_db()
    assert (review.state, review.note) == ("kept", "属实")


@pytest.mark.parametrize("role", ["city_office", "community_staff", "grid_worker"])
def test_only_the_district_office_handles_a_task(world, review, role):
    user = world["users"][role]
    with pytest.raises(PermissionDenied):
        services.review_propose(review=review, reason="x", by=user)
    with pytest.raises(PermissionDenied):
        services.review_keep(review=review, note="x", by=user)
    review.refresh_from_db()
    assert review.state == "open"


# --- Home, menu and the resident's history ---------------------------------------------------


def test_the_district_home_counts_its_open_tasks_as_a_link(client, world, review):
    DecisionReviewFactory(resident=world["residents"]["grid_b"], state="kept")
    DecisionReviewFactory(resident=world["residents"]["other_grid"])
    client.force_login(world["users"]["district_office"])
    html = client.get(reverse("home")).content.decode()
    assert f'href="{list_url()}" data-testid="waiting-reviews"' in html
    assert 'data-testid="count-reviews">1<' in html


@pytest.mark.parametrize(
    ("role", "in_menu"),
    [
        ("district_office", True),
        ("city_office", True),
        ("community_staff", False),
        ("grid_worker", False),
    ],
)
def test_the_menu_offers_the_list_to_the_roles_that_may_open_it(client, world, role, in_menu):
    client.force_login(world["users"][role])
    html = client.get(reverse("home")).content.decode()
    assert ('data-testid="menu-reviews"' in html) is in_menu
    assert 'data-testid="waiting-reviews"' not in html or role == "district_office"


@pytest.mark.parametrize(
    ("handle", "state"),
    [(None, "已转区级复核"), ("propose", "已提出变更"), ("keep", "维持原决定")],
)
def test_the_residents_history_tells_the_review(client, world, review, handle, state):
    district = world["users"]["district_office"]
    if handle == "propose":
        services.review_propose(review=review, reason="x", by=district)
    elif handle == "keep":
        services.review_keep(review=review, note="属实", by=district)
    client.force_login(world["users"]["grid_worker"])
    response = client.get(reverse("communities:resident-detail", args=[review.resident.pk]))
    html = response.content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    assert f"重新研判：{EFFECT}；人工决定有效 → {state}" in timeline
    assert DecisionReview.objects.count() == 1
