"""Venue reports are no oracle (issue 11): only those who take venues' reports file them,
a user files a limited number an hour, and the answer is the same whether or not the
person is registered in the city; an unknown person becomes a task to find them in the
venue's community."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from communities.models import GridTask, VenueReport

from .factories import valid_id_number


@pytest.fixture(autouse=True)
def allowance():
    """Each test starts with every user's hourly allowance (user ids repeat between tests
    whose rows were rolled back)."""
    cache.clear()


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**changes):
    return {"venue_kind": "shop", "venue_name": "通达药房", "seen_code": "red", **changes}


@pytest.mark.parametrize("role", ["inspector"])
def test_roles_that_take_no_venue_reports_are_refused(client, world, role):
    user = world["users"][role]
    resident = world["residents"]["grid_a"]
    response = api_for(user).post(
        "/api/v1/venue-reports/", body(id_number=resident.id_number), format="json"
    )
    assert response.status_code == 403
    client.force_login(user)
    assert client.get(reverse("tasks:venue-report")).status_code == 403
    page = client.post(reverse("tasks:venue-report"), body(id_number=resident.id_number))
    assert page.status_code == 403
    assert not VenueReport.objects.exists() and not GridTask.objects.exists()
    assert reverse("tasks:venue-report") not in client.get(reverse("home")).content.decode()


def test_the_answer_is_the_same_for_a_resident_and_for_a_stranger(world):
    api = api_for(world["users"]["grid_worker"])
    known = api.post(
        "/api/v1/venue-reports/",
        body(id_number=world["residents"]["other_grid"].id_number),
        format="json",
    )
    stranger_id = valid_id_number()
    unknown = api.post("/api/v1/venue-reports/", body(id_number=stranger_id), format="json")
    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json())
    assert {k: v for k, v in known.json().items() if k != "id"} == {
        k: v for k, v in unknown.json().items() if k != "id"
    } | {"seen_at": known.json()["seen_at"]}
    # the stranger: a task to find them in the venue's community, with what the venue saw
    find = GridTask.objects.get(kind=GridTask.Kind.FIND_PERSON)
    assert find.community == world["nodes"]["community"]
    assert (find.resident, find.subject_id_number) == (None, stranger_id)
    assert "通达药房" in find.reason
    # the resident: a task for their own grid, wherever the venue is
    venue = GridTask.objects.get(kind=GridTask.Kind.VENUE_REPORT)
    assert venue.community == world["nodes"]["other_community"]
    assert (
        VenueReport.objects.filter(resident=None, community=world["nodes"]["community"]).count()
        == 1
    )


def test_an_unknown_phone_on_the_page_gets_the_same_message(client, world):
    client.force_login(world["users"]["grid_worker"])
    answers = []
    for person in ({"phone": world["residents"]["grid_a"].phone}, {"phone": "13700009999"}):
        response = client.post(reverse("tasks:venue-report"), body(**person), follow=True)
        answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1] and len(answers[0]) == 1
    assert GridTask.objects.filter(kind="find_person", subject_phone="13700009999").exists()


@override_settings(VENUE_REPORTS_PER_HOUR=2)
def test_a_user_files_a_limited_number_an_hour(client, world):
    api = api_for(world["users"]["grid_worker"])
    people = [valid_id_number() for _ in range(4)]
    answers = [
        api.post("/api/v1/venue-reports/", body(id_number=n), format="json").status_code
        for n in people[:3]
    ]
    assert answers == [201, 201, 429]
    assert VenueReport.objects.count() == 2
    client.force_login(world["users"]["grid_worker"])
    page = client.post(reverse("tasks:venue-report"), body(id_number=people[3]))
    assert page.status_code == 429 and VenueReport.objects.count() == 2
    # another user has their own allowance
    other = api_for(world["users"]["community_staff"])
    assert (
        other.post("/api/v1/venue-reports/", body(id_number=people[3]), format="json").status_code
        == 201
    )


def test_an_office_names_the_venues_community_within_its_area(world):
    api = api_for(world["users"]["city_office"])  # two communities: name one
    resident = world["residents"]["grid_a"]
    unnamed = api.post("/api/v1/venue-reports/", body(id_number=resident.id_number), format="json")
    assert unnamed.status_code == 400 and "community" in unnamed.json()
    outside = api_for(world["users"]["district_office"]).post(
        "/api/v1/venue-reports/",
        body(id_number=resident.id_number, community=world["nodes"]["other_community"].pk),
        format="json",
    )
    assert outside.status_code == 400 and "community" in outside.json()
    assert not VenueReport.objects.exists()
    api = api_for(world["users"]["district_office"])
    named = api.post(
        "/api/v1/venue-reports/",
        body(id_number=resident.id_number, community=world["nodes"]["community"].pk),
        format="json",
    )
    assert named.status_code == 201
