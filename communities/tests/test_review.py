"""The review pages: the district proposes on the resident's page, the city decides. (The
in-app inbox that replaced the alerts is tested in notices/tests/test_views.py.)"""

from django.urls import reverse

from communities import services
from communities.models import CodeChangeProposal


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
