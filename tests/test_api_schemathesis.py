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
from communities.models import Announcement, ArrivalReport, Jurisdiction, Resident
from communities.tests.conftest import world_build
from communities.tests.factories import announcement_publish, arrival_api_body, arrival_file
from portal.wsgi import application
from shops import services as shop_services
from shops.models import Campaign, Inspection, Shop
from shops.rules import CHECKS as SHOP_CHECKS
from shops.tests.conftest import answers, sweep_build

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
    }


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
