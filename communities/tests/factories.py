import itertools
from datetime import date

import factory

from communities import rules
from communities.models import (
    ArrivalReport,
    DecisionReview,
    Jurisdiction,
    PersonDecision,
    Resident,
    User,
)

_sequence = itertools.count()


def tree(city_name: str = "太原市"):
    """city → district → street → community → two grids; returns the nodes by level."""
    city = JurisdictionFactory(name=city_name, level="city", parent=None)
    district = JurisdictionFactory(name="小店区", level="district", parent=city)
    street = JurisdictionFactory(name="小店街道", level="street", parent=district)
    community = JurisdictionFactory(name="通达街社区", level="community", parent=street)
    grid_a = JurisdictionFactory(name="第1网格", level="grid", parent=community)
    grid_b = JurisdictionFactory(name="第2网格", level="grid", parent=community)
    return {
        "city": city,
        "district": district,
        "street": street,
        "community": community,
        "grid_a": grid_a,
        "grid_b": grid_b,
    }


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    name = factory.Sequence(lambda n: f"节点{n}")
    level = "city"
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-123")
    role = User.Role.GRID_WORKER

    @factory.post_generation
    def grids(self, create, extracted, **kwargs):
        if create and extracted:
            self.grids.set(extracted)


def valid_id_number() -> str:
    n = next(_sequence)
    return rules.make_id_number("140105", date(1980, 1, 1 + n % 28), n)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    name = factory.Sequence(lambda n: f"居民{n}")
    id_number = factory.LazyFunction(valid_id_number)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    address = "通达街1号"


class PersonDecisionFactory(factory.django.DjangoModelFactory):
    """An approved manual change to green, decided by a city officer (pass `resident`)."""

    class Meta:
        model = PersonDecision

    kind = PersonDecision.Kind.MANUAL_CHANGE
    code = "green"
    reason = "核酸阴性，误赋码"
    by = factory.SubFactory(UserFactory, role=User.Role.CITY_OFFICE)


class DecisionReviewFactory(factory.django.DjangoModelFactory):
    """A review task as the recompute files one (pass `resident`): an arrival decided
    green three days ago that an announcement would now make red (R1), and the person's
    decision that stands against it. Tests make them directly, not by a recompute."""

    class Meta:
        model = DecisionReview

    arrival = factory.LazyAttribute(
        lambda o: ArrivalReport.objects.create(
            resident=o.resident,
            community=o.resident.grid.parent,
            name=o.resident.name,
            id_number=o.resident.id_number,
            phone=o.resident.phone,
            source=ArrivalReport.Source.GRID_WORKER,
            arrival_date=date(2022, 3, 25),
            landing_point_kind=ArrivalReport.LandingPoint.STATION,
            transport=ArrivalReport.Transport.TRAIN,
            state=ArrivalReport.State.ASSESSED,
            decided_code="green",
            decided_rule="R0",
        )
    )
    person_decision = factory.SubFactory(
        PersonDecisionFactory, resident=factory.SelfAttribute("..resident")
    )
    code = "red"
    rule = "R1"
    explanation = "吉林省吉林市丰满区为高风险地区（R1）"


def announcement_publish(source):
    """Load an announcement (a path to its JSON file, or the data) as the city office
    would, without queueing the recompute that publishing triggers, and on any effective
    date (the demo announcement is effective 2022-03-28)."""
    import json
    from pathlib import Path
    from unittest import mock

    from communities import services
    from communities.serializers import AnnouncementIn

    data = json.loads(source.read_text()) if isinstance(source, Path) else source
    checked = AnnouncementIn(data=data, context={"check_window": False})
    checked.is_valid(raise_exception=True)
    with mock.patch("communities.tasks.recompute_after_announcement_task.delay"):
        return services.announcement_load(data=checked.validated_data, by=None)[0]


def arrival_file(resident, *, place=("吉林省", "长春市", "南关区"), days_ago=2, by=None):
    """An arrival by train `days_ago` days ago after five days in `place` (province, city,
    county), filed as a grid worker would; assessed with the policy in force."""
    from datetime import timedelta

    from django.utils import timezone

    from communities import services

    today = timezone.localdate()
    province, city, county = place
    return services.arrival_report_file(
        resident=resident,
        arrival_date=today - timedelta(days=days_ago),
        stays=[
            {
                "province": province,
                "city": city,
                "county": county,
                "start": today - timedelta(days=days_ago + 6),
                "end": today - timedelta(days=days_ago + 1),
            }
        ],
        landing_point_kind="station",
        landing_point="",
        transport="train",
        abroad_quarantine_days=None,
        source="grid_worker",
        by=by,
    )


def arrival_api_body(grid, **changes) -> dict:
    """The JSON of POST /api/v1/arrivals/ that a grid worker of `grid` files: a new person
    (unless `changes` names one) who came by train yesterday after five days in 丰满区."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return {
        "id_number": valid_id_number(),
        "name": "李四",
        "phone": "13987654321",
        "grid": grid.pk,
        "arrival_date": str(today - timedelta(days=1)),
        "landing_point_kind": "station",
        "transport": "train",
        "stays": [
            {
                "province": "吉林省",
                "city": "吉林市",
                "county": "丰满区",
                "from": str(today - timedelta(days=6)),
                "to": str(today - timedelta(days=2)),
            }
        ],
        **changes,
    }


def stay_rows(stays, place=("吉林省", "吉林市", "丰满区")) -> dict:
    """The stays formset's data for a page's POST: one row a (start, end) in `place`."""
    data = {
        "stays-TOTAL_FORMS": str(len(stays)),
        "stays-INITIAL_FORMS": "0",
        "stays-MIN_NUM_FORMS": "0",
        "stays-MAX_NUM_FORMS": "30",
    }
    for i, (start, end) in enumerate(stays):
        province, city, county = place
        data.update(
            {
                f"stays-{i}-province": province,
                f"stays-{i}-city": city,
                f"stays-{i}-county": county,
                f"stays-{i}-start": str(start),
                f"stays-{i}-end": str(end),
            }
        )
    return data


def wait_for(condition, seconds=30) -> bool:
    """Poll `condition` (work done by a worker in another thread or process) until it
    holds or `seconds` pass; returns its last value."""
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)
    return condition()


def image_bytes(kind: str = "PNG", size=(40, 30)) -> bytes:
    """A real picture (uploads are decoded and re-encoded, so a header alone is refused)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def appeal_reviewed(resident, users: dict):
    """An appeal of the resident filed and verified by the grid worker and reviewed by the
    district (`users` as in the world fixture): waiting for the city office."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from communities import services
    from communities.models import Appeal

    appeal = services.appeal_file(
        resident=resident,
        reason="误赋码",
        evidence=SimpleUploadedFile("r.png", image_bytes("PNG"), content_type="image/png"),
        source=Appeal.Source.GRID_WORKER,
        quarantine_status="居家",
        by=users["grid_worker"],
    )
    appeal = services.appeal_verify(appeal=appeal, note="属实", by=users["grid_worker"])
    return services.appeal_review(appeal=appeal, note="同意", by=users["district_office"])


def pdf_bytes() -> bytes:
    """A real one-page PDF."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def api_for(user):
    """An API client signed in as `user` (no token needed)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
