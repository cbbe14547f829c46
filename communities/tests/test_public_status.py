"""Public pages give a reference (issue 13): every arrival report and appeal has its own,
drawn at creation, read back as a person types it, and shown to the staff it reaches."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from communities import references
from communities.models import Appeal, ArrivalReport, GridTask, Resident

from .factories import image_bytes
from .test_self_report import form_data

CHARS = "[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}"  # no 0/O, 1/I/L
SHAPE = re.compile(rf"^(BB|SS)-{CHARS}-{CHARS}$")


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    """A file cache of the test's own (conftest.own_cache): the rate limit counts there."""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def report(client, world, **changes):
    """A self-report through the public form; the thank-you page it lands on."""
    data = form_data(world, **{"phone": "13912345678", **changes})
    return client.post(reverse("public:report-create"), data, follow=True)


def make_red(resident: Resident) -> Resident:
    Resident.objects.filter(pk=resident.pk).update(code="red", code_rule="R1")
    resident.refresh_from_db()
    return resident


def appeal_public(client, resident):
    data = {
        "id_number": resident.id_number,
        "phone": resident.phone,
        "reason": "我未去过风险地区，核酸阴性。",
        "evidence": SimpleUploadedFile("r.png", image_bytes("PNG"), content_type="image/png"),
    }
    return client.post(reverse("appeals:public-create"), data, follow=True)


def test_every_report_and_appeal_gets_its_own_reference_of_the_documented_shape(client, world):
    for _ in range(3):
        report(client, world)
    for key in ("grid_a", "grid_b"):
        appeal_public(client, make_red(world["residents"][key]))
    arrivals = list(ArrivalReport.objects.values_list("reference", flat=True))
    appeals = list(Appeal.objects.values_list("reference", flat=True))
    assert len(arrivals) == 3 and len(appeals) == 2
    assert len(set(arrivals + appeals)) == 5
    assert all(SHAPE.match(r) and r.startswith("BB-") for r in arrivals)
    assert all(SHAPE.match(r) and r.startswith("SS-") for r in appeals)


def test_the_database_refuses_a_second_row_with_the_same_reference(client, world):
    report(client, world)
    report(client, world)
    first, second = ArrivalReport.objects.order_by("pk")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArrivalReport.objects.filter(pk=second.pk).update(reference=first.reference)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("BB-7KQ4M-9XPTW", "BB-7KQ4M-9XPTW"),
        ("bb-7kq4m-9xptw", "BB-7KQ4M-9XPTW"),
        (" BB 7KQ4M 9XPTW ", "BB-7KQ4M-9XPTW"),
        ("BB7KQ4M9XPTW", "BB-7KQ4M-9XPTW"),
        ("ＳＳ－７ＫＱ４Ｍ－９ＸＰＴＷ", "SS-7KQ4M-9XPTW"),  # full-width, from a Chinese keyboard
        ("BB-7KQ4M-9XPT", None),  # a character short
        ("BB-7KQ4M-9XPTWW", None),
        ("XX-7KQ4M-9XPTW", None),  # no such prefix
        ("BB-0KQ4M-9XPTW", None),  # look-alikes are not in the alphabet
        ("BB-IKQ4M-9XPTW", None),
        ("", None),
    ],
)
def test_a_reference_is_read_as_typed_and_anything_else_is_none(typed, stored):
    assert references.reference_normalize(typed) == stored


def test_the_staff_see_the_reference_the_person_quotes(client, world):
    report(client, world)
    appeal_public(client, make_red(world["residents"]["grid_a"]))
    client.force_login(world["users"]["grid_worker"])
    task = GridTask.objects.get()
    html = client.get(reverse("tasks:task-verify", args=[task.pk])).content.decode()
    assert task.arrival.reference in html
    appeal = Appeal.objects.get()
    html = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert appeal.reference in html
