"""Staff (issue 16's "done when"): a staff member without a valid certificate cannot be
rostered; one expiring in 10 days is flagged to the district; an expired one is taken off
the roster by the nightly job (twice harmlessly). A certificate needs a passed training."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hotels import access, panels, selectors, services
from hotels.models import RosterEntry

from .conftest import staff


def certified(member, *, days_left: int, passed=True):
    today = timezone.localdate()
    services.training_add(
        staff=member,
        course="岗前培训",
        day=today - timedelta(days=100),
        trainer="区疾控中心",
        passed=passed,
    )
    return services.certificate_add(
        staff=member,
        number=f"SGZ-{member.pk}",
        issued=today - timedelta(days=90),
        valid_until=today + timedelta(days=days_left),
    )


def test_without_a_valid_certificate_nobody_is_rostered(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    member = staff(world["nodes"]["district"])
    with pytest.raises(ValidationError) as refused:
        services.roster_add(hotel=hotel, staff=member, by=district)
    assert "上岗证" in str(refused.value)
    expired = staff(world["nodes"]["district"], "钱军")
    certified(expired, days_left=-1)
    with pytest.raises(ValidationError):
        services.roster_add(hotel=hotel, staff=expired, by=district)
    assert not RosterEntry.objects.exists()


def test_a_certificate_needs_a_passed_training(world):
    member = staff(world["nodes"]["district"])
    with pytest.raises(ValidationError) as refused:
        certified(member, days_left=100, passed=False)
    assert "issued" in refused.value.message_dict


def test_one_expiring_in_10_days_is_rostered_and_flagged_to_the_district(world, client):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    member = staff(world["nodes"]["district"], "李娟")
    certified(member, days_left=10)
    services.roster_add(hotel=hotel, staff=member, by=district)
    today = timezone.localdate()
    assert [r.staff for r in selectors.expiring(access.staff_for(district), today=today)] == [
        member
    ]
    waiting = {w.testid: w for w in panels.district_waiting(district)}
    assert waiting["hotels-certificates-expiring"].count == 1
    client.force_login(district)
    page = client.get(waiting["hotels-certificates-expiring"].url)
    assert [r.staff for r in page.context["rows"]] == [member]
    assert 'data-testid="certificate-expiring"' in page.content.decode()


def test_an_expired_certificate_takes_the_person_off_the_roster(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    member = staff(world["nodes"]["district"])
    certified(member, days_left=0)  # its last day: still valid
    services.roster_add(hotel=hotel, staff=member, by=district)
    today = timezone.localdate()
    assert services.rosters_expire(today=today) == 0
    tomorrow = today + timedelta(days=1)
    assert services.rosters_expire(today=tomorrow) == 1
    assert services.rosters_expire(today=tomorrow) == 0  # twice: nothing more
    entry = RosterEntry.objects.get()
    assert entry.until == tomorrow and "上岗证" in entry.removed_reason


def test_a_renewed_certificate_keeps_the_person_on(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    member = staff(world["nodes"]["district"])
    certified(member, days_left=0)
    today = timezone.localdate()
    services.certificate_add(
        staff=member, number="SGZ-new", issued=today, valid_until=today + timedelta(days=365)
    )
    services.roster_add(hotel=hotel, staff=member, by=district)
    assert services.rosters_expire(today=today + timedelta(days=1)) == 0


def test_a_staff_member_of_another_district_is_refused(world):
    member = staff(world["nodes"]["other_district"])
    certified(member, days_left=100)
    with pytest.raises(ValidationError):
        services.roster_add(
            hotel=world["hotels"]["mine"], staff=member, by=world["users"]["district_office"]
        )


def test_the_staff_page_is_the_districts_own(world, client):
    mine = staff(world["nodes"]["district"], "甲")
    theirs = staff(world["nodes"]["other_district"], "乙")
    client.force_login(world["users"]["district_office"])
    page = client.get(reverse("hotels:staff-list"))
    assert [r.staff for r in page.context["rows"]] == [mine]
    assert client.get(reverse("hotels:staff-detail", args=[theirs.pk])).status_code == 404
