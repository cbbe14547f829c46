"""Schemathesis against the API's own OpenAPI schema (issue 11).

Every operation of /api/schema/ is called in-process through the WSGI application (no
server), with the API token of a grid worker and of the city office, on requests that
schemathesis builds from the schema: its coverage phase (the boundaries of each field, and
requests that break the schema) and its fuzzing phase (valid and invalid data). Each answer
must be no 5xx, and the status code, content type, headers and body must be as the schema
documents them.

The database holds a few objects of each kind (the `world` of the tests, a street sweep
running today, arrivals, an inspection, an announcement), so that an id in a path is often
a real one, in the caller's area or outside it; and each write is also tried with a body it
accepts, so that the success answers are checked too, not only the refusals. Hypothesis is
derandomized: every run sends the same requests.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from communities import services
from communities.models import (
    Announcement,
    Anomaly,
    Appeal,
    ArrivalReport,
    CodeChangeProposal,
    ControlMeasure,
    FollowUp,
    GridTask,
    HealthCodeEvent,
    Jurisdiction,
    NucleicAcidTest,
    RecomputeRun,
    Resident,
    User,
)
from communities.tests.conftest import world_build
from communities.tests.factories import (
    announcement_publish,
    appeal_reviewed,
    arrival_api_body,
    arrival_file,
    image_bytes,
    valid_id_number,
)
from hotels.models import Hotel, Placement
from notices.models import Notice
from portal.wsgi import application
from shops import services as shop_services
from shops.models import Campaign, Inspection, JointGroup, Shop
from shops.rules import CHECKS as SHOP_CHECKS
from shops.tests.conftest import answers, sweep_build
from vaccination import services as dose_services
from vaccination.models import Dose, Product
from vaccination.products import products_ensure

ROLES = ("grid_worker", "city_office")
PASSWORD = "pw-for-tests-123"  # the UserFactory's
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples a generation mode (valid, invalid data) and operation in the fuzzing phase;
# the whole module takes about 65 s on SQLite or PostgreSQL (2 cores).
MAX_EXAMPLES = 25
# The model behind the id of each path that takes one.
MODELS = {
    "/api/v1/announcements/{id}/": Announcement,
    "/api/v1/arrivals/{id}/": ArrivalReport,
    "/api/v1/campaigns/{id}/": Campaign,
    "/api/v1/inspections/{id}/": Inspection,
    "/api/v1/jurisdictions/{id}/": Jurisdiction,
    "/api/v1/residents/{id}/": Resident,
    "/api/v1/shops/{id}/": Shop,
    "/api/v1/anomalies/{id}/": Anomaly,
    "/api/v1/anomalies/{id}/resolve/": Anomaly,
    "/api/v1/appeals/{id}/": Appeal,
    "/api/v1/appeals/{id}/evidence/": Appeal,
    "/api/v1/appeals/{id}/verify/": Appeal,
    "/api/v1/appeals/{id}/review/": Appeal,
    "/api/v1/appeals/{id}/resolve/": Appeal,
    "/api/v1/code-events/{id}/": HealthCodeEvent,
    "/api/v1/followups/{id}/": FollowUp,
    "/api/v1/groups/{id}/": JointGroup,
    "/api/v1/measures/{id}/": ControlMeasure,
    "/api/v1/notices/{id}/": Notice,
    "/api/v1/notices/{id}/read/": Notice,
    "/api/v1/placards/{id}/": Shop,
    "/api/v1/proposals/{id}/": CodeChangeProposal,
    "/api/v1/proposals/{id}/decide/": CodeChangeProposal,
    "/api/v1/recompute-runs/{id}/": RecomputeRun,
    "/api/v1/tasks/{id}/": GridTask,
    "/api/v1/tasks/{id}/close/": GridTask,
    "/api/v1/tasks/{id}/verify/": GridTask,
    "/api/v1/tests/{id}/": NucleicAcidTest,
    "/api/v1/tests/{id}/result/": NucleicAcidTest,
    "/api/v1/users/{id}/": User,
    "/api/v1/doses/{id}/": Dose,
    "/api/v1/vaccination-products/{id}/": Product,
    "/api/v1/hotels/{id}/": Hotel,
    "/api/v1/placements/{id}/": Placement,
}
# Bodies that the writes accept, made with the objects (below).
ACCEPTED: dict[str, dict] = {}

# The Host that schemathesis's WSGI client sends; a .env may allow only the real name.
WSGI_HOST = "localhost"
with override_settings(ALLOWED_HOSTS=[WSGI_HOST]):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Half of the ids are of rows that exist (the caller's or not), half what the schema
    allows."""
    model = MODELS.get(context.operation.path)
    if model is None:
        return strategy
    ids = sorted(model.objects.values_list("pk", flat=True))
    return st.one_of(st.fixed_dictionaries({"id": st.sampled_from(ids)}), strategy)


@schema.hook
def before_generate_body(context, strategy):
    body = ACCEPTED.get(context.operation.path)
    return strategy if body is None else st.one_of(st.just(body), strategy)


def _accepted_bodies(seeded: dict) -> dict[str, dict]:
    """A body each write takes from one of the two roles."""
    today = timezone.localdate()
    resident = seeded["residents"]["grid_a"]
    person = {"id_number": resident.id_number, "phone": resident.phone}
    arrival = arrival_api_body(seeded["nodes"]["grid_a"], name=resident.name, **person)
    return {
        "/api/v1/auth/token/": {
            "username": seeded["users"]["grid_worker"].username,
            "password": PASSWORD,
        },
        "/api/v1/arrivals/": arrival,
        "/api/v1/assessments/": {key: arrival[key] for key in ("arrival_date", "stays")},
        "/api/v1/announcements/": {
            "title": "风险地区提示",
            "effective": str(today),
            "risk_areas": [
                {"level": "high", "province": "吉林省", "city": "吉林市", "county": "丰满区"}
            ],
        },
        "/api/v1/pushes/": {"persons": [{**person, "reason": "大数据推送：时空伴随"}]},
        "/api/v1/venue-reports/": {
            **person,
            "venue_kind": "shop",
            "venue_name": "美特好超市",
            "seen_code": "red",
        },
        "/api/v1/inspections/": {
            "shop": seeded["share"][0].pk,
            **dict.fromkeys(SHOP_CHECKS, True),
        },
        "/api/v1/anomalies/{id}/resolve/": {"outcome": "retest_negative", "note": "复检阴性"},
        "/api/v1/appeals/": {
            "resident": seeded["appellant"].pk,
            "reason": "误赋码",
            "quarantine_status": "居家",
            "evidence": image_bytes("PNG"),
        },
        "/api/v1/appeals/{id}/verify/": {"note": "核实属实"},
        "/api/v1/appeals/{id}/review/": {"note": "复核同意"},
        "/api/v1/appeals/{id}/resolve/": {"note": "维持", "release": False},
        "/api/v1/followups/": {"resident": resident.pk, "temperature": "36.5", "symptoms": []},
        "/api/v1/notices/{id}/read/": {},
        "/api/v1/notices/read-all/": {},
        "/api/v1/proposals/": {"resident": resident.pk, "to_code": "red", "reason": "密接"},
        "/api/v1/proposals/{id}/decide/": {"approve": False, "note": "不同意"},
        "/api/v1/tasks/{id}/close/": {"note": "已找到本人"},
        "/api/v1/tasks/{id}/verify/": {"note": "无中高风险地区行程", "stays": []},
        "/api/v1/tests/{id}/result/": {"result": "negative"},
        "/api/v1/doses/": {
            "resident": resident.pk,
            "day": str(today - timedelta(days=400)),
            "product": "bbibp",
            "lot": "202201A015",
            "site": "小店区人民医院接种点",
            "number": 1,
        },
    }


def _records(objects: dict) -> None:
    """One of each record of the API's newer endpoints (issue 15) in grid_a: an anomaly, a
    proposal of the district, an appeal waiting for the city, a person to find, a notice,
    a recompute run, a shop's placard; and a yellow resident who may appeal."""
    users, resident = objects["users"], objects["residents"]["grid_a"]
    today = timezone.localdate()
    measure = ControlMeasure.objects.create(
        resident=resident,
        rule="R6",
        phases=[{"kind": "home_health_monitoring", "days": 7}],
        start=today - timedelta(days=1),
        end=today + timedelta(days=5),
        release_due=today + timedelta(days=6),
    )
    FollowUp.objects.create(
        resident=resident,
        measure=measure,
        day=today - timedelta(days=1),
        temperature="36.5",
        recorded_by=users["grid_worker"],
    )
    HealthCodeEvent.objects.create(
        resident=resident,
        kind="assign",
        from_code="green",
        to_code="yellow",
        rule="R6",
        reason="R6",
    )
    Anomaly.objects.create(resident=resident, kind="fever", detail="37.8℃")
    services.proposal_create(
        resident=objects["residents"]["grid_b"],
        to_code="yellow",
        reason="密接",
        by=users["district_office"],
    )
    waiting = Resident.objects.create(
        name="申诉人",
        id_number=valid_id_number(),
        phone="13900000009",
        grid=objects["nodes"]["grid_a"],
        code="yellow",
        code_rule="R6",
    )
    appeal_reviewed(waiting, users)
    objects["appellant"] = Resident.objects.create(
        name="待申诉",
        id_number=valid_id_number(),
        phone="13900000010",
        grid=objects["nodes"]["grid_a"],
        code="yellow",
        code_rule="R6",
    )
    GridTask.objects.create(
        kind=GridTask.Kind.FIND_PERSON,
        community=objects["nodes"]["community"],
        resident=resident,
        subject_name="找人",
        due_at=timezone.now(),
    )
    Notice.objects.create(
        recipient=users["grid_worker"],
        kind="anomaly",
        text="异常",
        channel="inapp",
        state="sent",
        dedupe_key="schemathesis",
    )
    RecomputeRun.objects.create(kind="nightly", today=timezone.localdate())
    hotel = Hotel.objects.create(
        district=objects["nodes"]["district"],
        name="锦江之星",
        address="长风街88号",
        contact_name="王经理",
        contact_phone="13503510000",
        state=Hotel.State.IN_USE,
        accepted_on=today,
        accepted_by="张检查员",
    )
    Placement.objects.create(
        resident=resident,
        measure=measure,
        hotel=hotel,
        room=hotel.rooms.create(floor=2, number="201", state="occupied"),
        due_out=today + timedelta(days=5),
        transfer_from="通达街1号",
        transfer_at=timezone.now(),
        transfer_by="转运组",
    )
    products_ensure()
    dose_services.dose_record(
        resident=resident,
        by=users["grid_worker"],
        day=today - timedelta(days=300),
        product=Product.objects.get(code="bbibp"),
        lot="202201A015",
        site="小店区人民医院接种点",
        number=1,
    )
    Shop.objects.filter(pk=objects["share"][0].pk).update(placard=Shop.Placard.GREEN)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The objects, made once for the module in a transaction rolled back after it (each
    test runs in a savepoint inside it)."""
    # The users' passwords hashed as in every test (conftest's _fast_tests), so that the
    # token endpoint can check them.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        objects = sweep_build(world_build(), starts_on=timezone.localdate())
        for resident in objects["residents"].values():
            arrival_file(resident)
        shop_services.inspection_record(
            shop=objects["share"][-1], by=objects["users"]["grid_worker"], answers=answers()
        )
        announcement_publish({"title": "提示", "effective": "2022-03-28", "risk_areas": []})
        _records(objects)
        ACCEPTED.update(_accepted_bodies(objects))
        yield objects
        ACCEPTED.clear()
        transaction.set_rollback(True)


@pytest.fixture
def wsgi_as_in_the_test_client(settings):
    """What Django's test client does for its requests: the database connection is not
    closed after each (the test's transaction must outlive them), and the host is allowed
    (as the live server allows its own)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, WSGI_HOST]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def token(request, seeded, db, wsgi_as_in_the_test_client):
    return services.token_issue(user=seeded["users"][request.param]).key


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # The examples of one test share its token and savepoint (what one example writes,
    # the next may read); requests through the whole stack are slower than Hypothesis
    # expects of a test; schemathesis filters what a schema's formats cannot express.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_answers_as_documented(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


def test_every_path_with_an_id_names_its_model():
    assert {path for path in schema.raw_schema["paths"] if "{id}" in path} == set(MODELS)


def test_every_write_has_a_body_it_accepts(seeded):
    writes = {path for path, methods in schema.raw_schema["paths"].items() if "post" in methods}
    assert set(ACCEPTED) == writes
