"""The review pages: the district proposes on the resident's page, the city decides. (The
in-app inbox that replaced the alerts is tested in notices/tests/test_views.py.)"""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from communities import services
from communities.models import CodeChangeProposal, PersonDecision


def make_red(world):
    resident = world["residents"]["grid_a"]
    services.health_code_change(resident=resident, to="red", rule="R3", reason="test", actor=None)
    return resident


def test_district_proposes_from_the_resident_page(client, world):
    resident = make_red(world)
    client.force_login(world["users"]["district_office"])
    page = client.get(reverse("communities:resident-detail", args=[resident.pk]))
    assert 'data-testid="proposal-form"' in page.content.decode()
    client.post(
        reverse("review:proposal-create", args=[resident.pk]),
        {"to_code": "green", "reason": "误赋码"},
    )
    proposal = CodeChangeProposal.objects.get()
    assert (proposal.state, proposal.to_code) == ("pending", "green")
    resident.refresh_from_db()
    assert resident.code == "red"


def test_grid_worker_sees_no_proposal_form_and_cannot_post_one(client, world):
    resident = make_red(world)
    client.force_login(world["users"]["grid_worker"])
    page = client.get(reverse("communities:resident-detail", args=[resident.pk]))
    assert 'data-testid="proposal-form"' not in page.content.decode()
    response = client.post(
        reverse("review:proposal-create", args=[resident.pk]), {"to_code": "green", "reason": "x"}
    )
    assert response.status_code == 403 and not CodeChangeProposal.objects.exists()


def test_city_approves_on_the_review_page(client, world):
    resident = make_red(world)
    proposal = services.proposal_create(
        resident=resident, to_code="green", reason="误赋码", by=world["users"]["district_office"]
    )
    client.force_login(world["users"]["city_office"])
    html = client.get(reverse("review:proposal-list")).content.decode()
    assert "误赋码" in html and 'name="approve"' in html
    client.post(
        reverse("review:proposal-decide", args=[proposal.pk]), {"approve": "1", "note": "同意"}
    )
    resident.refresh_from_db()
    assert resident.code == "green"
    assert resident.code_events.first().actor == world["users"]["city_office"]


def test_a_rejection_needs_a_reason_and_the_proposer_is_told_either_way(client, world):
    from notices.models import Notice

    district, city = world["users"]["district_office"], world["users"]["city_office"]
    resident = make_red(world)
    proposal = services.proposal_create(
        resident=resident, to_code="green", reason="误赋码", by=district
    )
    client.force_login(city)
    url = reverse("review:proposal-decide", args=[proposal.pk])
    response = client.post(url, {"approve": "0", "note": "  "})
    assert "请说明驳回的理由" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "pending" and not Notice.objects.exists()
    client.post(url, {"approve": "0", "note": "行程核实属实，维持红码"})
    proposal.refresh_from_db()
    assert proposal.state == "rejected"
    notice = Notice.objects.get(kind="proposal_decided")
    assert (notice.recipient, notice.channel) == (district, "inapp")
    assert (
        "已驳回" in notice.text and "行程核实属实" in notice.text and resident.name in notice.text
    )
    # the decision and its reason on the resident's page
    client.force_login(district)
    html = client.get(reverse("communities:resident-detail", args=[resident.pk])).content.decode()
    assert 'data-testid="decision-note"' in html and "行程核实属实，维持红码" in html


def test_an_approval_tells_the_proposer_too(world):
    from notices.models import Notice

    district, city = world["users"]["district_office"], world["users"]["city_office"]
    resident = make_red(world)
    proposal = services.proposal_create(resident=resident, to_code="green", reason="x", by=district)
    services.proposal_decide(proposal=proposal, approve=True, note="", by=city)
    notice = Notice.objects.get(kind="proposal_decided", recipient=district)
    assert "已批准" in notice.text


def test_outsiders_cannot_decide_or_see_proposals(client, world):
    resident = make_red(world)
    proposal = services.proposal_create(
        resident=resident, to_code="green", reason="x", by=world["users"]["district_office"]
    )
    client.force_login(world["users"]["outsider_supervisor"])
    for state in ("pending", "approved"):
        page = client.get(reverse("review:proposal-list"), {"state": state}).context["page"]
        assert list(page) == []
    response = client.post(reverse("review:proposal-decide", args=[proposal.pk]), {"approve": "1"})
    assert response.status_code == 404
    resident.refresh_from_db()
    assert resident.code == "red"


def test_district_cannot_approve_its_own_proposal(client, world):
    resident = make_red(world)
    proposal = services.proposal_create(
        resident=resident, to_code="green", reason="x", by=world["users"]["district_office"]
    )
    client.force_login(world["users"]["district_office"])
    client.post(reverse("review:proposal-decide", args=[proposal.pk]), {"approve": "1"})
    proposal.refresh_from_db()
    assert proposal.state == "pending"


# --- A release waits for the open anomalies (issue 10) ---------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def in_chinese(message: str, **params) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message) % params


@pytest.fixture
def release_with_a_fever(world):
    """A red resident with an open fever and the district's proposal to release them."""
    resident = make_red(world)
    anomaly = services.anomaly_raise(resident=resident, kind="fever", detail="38.2 °C")
    proposal = services.proposal_create(
        resident=resident, to_code="green", reason="隔离期满", by=world["users"]["district_office"]
    )
    return resident, anomaly, proposal


REFUSAL = (
    "Open anomalies must be resolved first, each with its outcome (by community staff or the "
    "district office): %(list)s"
)


def test_the_card_of_a_release_lists_the_open_anomalies(client, world, release_with_a_fever):
    resident, anomaly, _ = release_with_a_fever
    client.force_login(world["users"]["city_office"])
    html = client.get(reverse("review:proposal-list")).content.decode()
    warning = html[html.index('data-testid="open-anomalies"') :]
    warning = warning[: warning.index("</div>\n</div>")]
    for part in (
        "体温≥37.3°C",
        "38.2 °C",
        f"{timezone.localtime(anomaly.created_at):%Y-%m-%d %H:%M}",
    ):
        assert part in warning, part
    assert f"{reverse('communities:resident-detail', args=[resident.pk])}#anomalies" in warning


def test_approving_a_release_with_an_open_anomaly_is_refused_on_the_card(
    client, world, release_with_a_fever
):
    resident, anomaly, proposal = release_with_a_fever
    client.force_login(world["users"]["city_office"])
    url = reverse("review:proposal-decide", args=[proposal.pk])
    refusal = in_chinese(REFUSAL, list="体温≥37.3°C：38.2 °C")
    for extra in ({}, HTMX):
        response = client.post(url, {"approve": "1", "note": "同意"}, **extra)
        html = response.content.decode()
        assert response.status_code == 200
        error = html[html.index('data-testid="decide-error"') :]
        assert error[error.index(">") + 1 :].startswith(refusal)
        assert 'data-testid="open-anomalies"' in html
        assert ("<html" in html) is not bool(extra)  # htmx gets the card alone
    proposal.refresh_from_db()
    resident.refresh_from_db()
    assert (proposal.state, proposal.decided_by, resident.code) == ("pending", None, "red")
    assert not PersonDecision.objects.exists()
    assert not resident.code_events.filter(to_code="green").exists()

    services.anomaly_resolve(
        anomaly=anomaly,
        outcome="fever_clinic_excluded",
        note="发热门诊排除",
        by=world["users"]["community_staff"],
    )
    response = client.post(url, {"approve": "1", "note": "同意"}, **HTMX)
    html = response.content.decode()
    assert 'data-testid="decide-error"' not in html and 'data-testid="open-anomalies"' not in html
    assert in_chinese("Approved") in html
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("green", "manual")


def test_a_card_to_another_colour_shows_no_warning(client, world):
    resident = make_red(world)
    services.anomaly_raise(resident=resident, kind="symptom", detail="咳嗽")
    services.proposal_create(
        resident=resident, to_code="yellow", reason="改为居家", by=world["users"]["district_office"]
    )
    client.force_login(world["users"]["city_office"])
    assert (
        'data-testid="open-anomalies"'
        not in client.get(reverse("review:proposal-list")).content.decode()
    )


def test_the_proposal_list_is_pinned(client, world, django_assert_num_queries):
    from .factories import ResidentFactory

    district = world["users"]["district_office"]
    for n in range(4):
        resident = ResidentFactory(grid=world["nodes"]["grid_b"])
        services.health_code_change(resident=resident, to="red", rule="R3", reason="x", actor=None)
        services.anomaly_raise(resident=resident, kind="symptom", detail=f"症状{n}")
        services.proposal_create(resident=resident, to_code="green", reason="x", by=district)
    client.force_login(world["users"]["city_office"])
    with django_assert_num_queries(5):  # session, user, count, page, open anomalies
        response = client.get(reverse("review:proposal-list"))
    assert len(response.context["page"]) == 4
    client.force_login(district)
    with django_assert_num_queries(6):  # session, user, node, count, page, open anomalies
        client.get(reverse("review:proposal-list"))


def test_the_decide_page_of_an_outsiders_proposal_is_404(client, world, release_with_a_fever):
    proposal = release_with_a_fever[2]
    client.force_login(world["users"]["outsider_supervisor"])
    assert client.get(reverse("review:proposal-decide", args=[proposal.pk])).status_code == 404
