"""Every route that takes an id is tried by outsiders, by construction (issue 11).

The walk below reads the URL configuration (pages and the API's router) and finds every
route with an id in it: a path converter `int`/`uuid`, or a group named like an id
(`pk`, `id`, `uuid`, `public_id`, `object_id`, `…_pk`, `…_id`). Each such route must be in
TARGETS (which objects of 第1网格 (grid_a) to ask it for) or in PUBLIC (why it is open to
anyone who has the id); a new route in neither fails `test_every_route_with_an_id_is_mapped`
and its own parametrized case, so nobody adds a route without saying whose it is.

Each (route, object, user, method) is one test: a grid worker of 第2网格 in the same
community, an inspector in no joint group that has the shop, a quarantine hotel's staff
of the district on no hotel's roster, and an anonymous visitor.
The signed-in outsiders get 404 (DOMAIN.md section 1); anonymous visitors the login page
(302) or, on the API, 401/403. A method the view does not take answers 405 before it
looks anything up, which tells nothing; every route that takes POST is also posted to.
"""

import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from communities.models import (
    Anomaly,
    Appeal,
    CodeChangeProposal,
    ControlMeasure,
    FollowUp,
    GridTask,
    HealthCodeEvent,
    ImpactPreview,
    NucleicAcidTest,
    RecomputeRun,
    User,
)
from communities.tests.factories import (
    DecisionReviewFactory,
    ResidentFactory,
    UserFactory,
    image_bytes,
    tree,
)
from dashboards.models import DailyReport
from hotels.models import Hotel, Placement, Room, RosterEntry, StaffMember
from notices.models import Notice
from shops import services as shop_services
from shops.models import Shop
from shops.tests.conftest import answers
from shops.tests.factories import ShopFactory
from transfers.models import Export, Import
from vaccination.models import Dose, Product
from vaccination.products import products_ensure

Role = User.Role
PNG = image_bytes("PNG")
ID_NAMES = {"pk", "id", "uuid", "public_id", "object_id"}

# --- The walk --------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            # an unnamed route (the admin's redirects) goes by its pattern
            name = f"{namespace}:{entry.name or route}".lstrip(":")
            yield name, route, entry


def _id_params(route: str) -> set[str]:
    """The id-like parameters of a route: `int`/`uuid` converters, or names like an id."""
    params = set(re.findall(r"<(?:int|uuid):(\w+)>", route))
    return params | {p for p in _all_params(route) if p in ID_NAMES or p.endswith(("_pk", "_id"))}


def _all_params(route: str) -> set[str]:
    return set(re.findall(r"\(\?P<(\w+)>", route)) | set(re.findall(r"<(?:\w+:)?(\w+)>", route))


def routes_with_ids() -> list[tuple[str, str, set[str]]]:
    """(case name, route, its parameters) for each route that takes an id. A route with a
    format suffix (the API's `.json`) is its own case."""
    found = []
    for name, route, _entry in _walk(get_resolver().url_patterns):
        if not _id_params(route):
            continue
        params = _all_params(route)
        found.append((name + (".json" if "format" in params else ""), route, params))
    return found


def _url(name: str, params: set[str], ident) -> str:
    kwargs = {p: ident for p in params if p != "format"}
    if "format" in params:
        kwargs["format"] = "json"
    return reverse(name.removesuffix(".json"), kwargs=kwargs)


# --- What each route is asked for -------------------------------------------------------------

# Route → the objects of grid_a (keys of the `grid_a` fixture) to ask it for. Tasks: only
# tasks about a grid_a resident (a task without a resident, a self-report or a person to
# find, belongs to every grid worker of the community, so grid_b's worker rightly sees it).
# The verify page takes tasks with an arrival, the work page those without; the arrival
# form of a task takes a person to find, the rejection a self-report.
TASKS = [f"task_{kind}" for kind in GridTask.Kind.values]
TASKS_WITH_ARRIVAL = [f"{key}_arrival" for key in TASKS]
TARGETS = {
    "communities:jurisdiction-detail": ["grid"],
    "communities:resident-detail": ["resident"],
    "appeals:detail": ["appeal"],
    "appeals:evidence": ["appeal"],
    "care:test-record": ["test"],
    "care:test-withdraw": ["test"],
    "care:followup-record": ["resident"],
    "care:anomaly-resolve": ["anomaly"],
    "review:proposal-decide": ["proposal"],
    "review:proposal-create": ["resident"],
    "review:decision-review": ["review"],
    "review:decision-review-propose": ["review"],
    "review:decision-review-keep": ["review"],
    "communities:announcement-impact": ["impact_preview"],
    "tasks:task-verify": TASKS_WITH_ARRIVAL,
    "tasks:task-work": TASKS,
    "tasks:task-arrival": ["task_find_person"],
    "tasks:task-reject": ["task_verify_self_report_arrival"],
    "shops:campaign-detail": ["campaign"],
    "shops:campaign-group-create": ["campaign"],
    "shops:campaign-split": ["campaign"],
    "shops:campaign-assign": ["campaign"],
    "shops:campaign-progress": ["campaign"],
    "shops:campaign-edit": ["campaign"],
    "shops:campaign-close": ["campaign"],
    "shops:campaign-delete": ["campaign"],
    "placards:placard": ["shop"],
    "placards:placard-pdf": ["shop"],
    "sweep:shop-detail": ["shop"],
    "sweep:inspect": ["shop"],
    "sweep:inspection-photo": ["inspection"],
    "api:jurisdiction-detail": ["grid"],
    "api:resident-detail": ["resident"],
    "api:arrival-detail": ["arrival"],
    "api:shop-detail": ["shop"],
    "api:inspection-detail": ["inspection"],
    "api:campaign-detail": ["campaign"],
    "accounts:staff-password": ["account"],
    "dashboards:node": ["community"],
    "dashboards:report": ["report"],
    "dashboards:report-xlsx": ["report"],
    "dashboards:report-pdf": ["report"],
    "transfers:export-download": ["export"],
    "imports:detail": ["import"],
    "imports:store": ["import"],
    "imports:report": ["import"],
    "imports:file": ["import"],
    "api:measure-detail": ["measure"],
    "api:test-detail": ["test"],
    "api:test-result": ["test"],
    "api:followup-detail": ["followup"],
    "api:anomaly-detail": ["anomaly"],
    "api:anomaly-resolve": ["anomaly"],
    "api:code-event-detail": ["code_event"],
    "api:proposal-detail": ["proposal"],
    "api:proposal-decide": ["proposal"],
    "api:appeal-detail": ["appeal"],
    "api:appeal-evidence": ["appeal"],
    "api:appeal-verify": ["appeal"],
    "api:appeal-review": ["appeal"],
    "api:appeal-resolve": ["appeal"],
    "api:task-detail": TASKS,
    "api:task-close": TASKS,
    "api:task-verify": TASKS,
    "api:recompute-run-detail": ["run"],
    "api:user-detail": ["account"],
    "api:notice-detail": ["notice"],
    "api:notice-read": ["notice"],
    "api:group-detail": ["group"],
    "api:placard-detail": ["shop"],
    "vaccination:dose-record": ["resident"],
    "vaccination:product-edit": ["product"],
    "api:dose-detail": ["dose"],
    "hotels:hotel-detail": ["hotel"],
    "hotels:hotel-accept": ["hotel"],
    "hotels:hotel-state": ["hotel"],
    "hotels:rooms-add": ["hotel"],
    "hotels:roster-add": ["hotel"],
    "hotels:checklist-tick": ["hotel"],
    "hotels:room-clean": ["room"],
    "hotels:room-service": ["room"],
    "hotels:roster-remove": ["roster_entry"],
    "hotels:place": ["resident"],
    "hotels:staff-detail": ["hotel_staff"],
    "api:hotel-detail": ["hotel"],
    "api:placement-detail": ["placement"],
}
# The API's actions that take POST only (the rest of the API's routes with an id read).
API_POSTS = {
    "api:test-result",
    "api:anomaly-resolve",
    "api:proposal-decide",
    "api:appeal-verify",
    "api:appeal-review",
    "api:appeal-resolve",
    "api:task-close",
    "api:task-verify",
    "api:notice-read",
}
# The API's `.json` twins ask for the same objects.
TARGETS.update({f"{name}.json": keys for name, keys in list(TARGETS.items()) if "api:" in name})

# Routes with an id that anyone who holds the id may open, and why.
PUBLIC = {
    "shop-status:status": "the shop's public status page that the placard's QR code opens; "
    "public by design, found by an unguessable uuid",
    "communities:announcement-detail": "risk-area announcements are city-wide: every "
    "signed-in staff member reads every one (not grid data)",
    "api:announcement-detail": "the same announcements through the API",
    "api:announcement-detail.json": "the same announcements through the API",
    "api:vaccination-product-detail": "the vaccine products are the city's table, read by "
    "every role that works with residents (not grid data; only the city office changes it)",
    "api:vaccination-product-detail.json": "the same products as JSON",
}
# Whole namespaces with ids, and why they are outside this walk.
PUBLIC_NAMESPACES = {
    "admin": "the Django admin: only staff users (superusers, the city's administrators) "
    "reach it; everyone else is sent to the admin's login before any lookup "
    "(test_admin_sends_outsiders_to_its_login)",
}

# Routes whose views take one method only; the other answers 405 before any lookup.
GET_ONLY = {
    "placards:placard",
    "placards:placard-pdf",
    "appeals:evidence",
    "sweep:inspection-photo",
    "shops:campaign-progress",
    "communities:jurisdiction-detail",
    "communities:resident-detail",
    "dashboards:node",
    "dashboards:report",
    "dashboards:report-xlsx",
    "dashboards:report-pdf",
    "communities:announcement-impact",
    "transfers:export-download",
    "imports:report",
    "imports:file",
    "hotels:hotel-detail",
} | {
    name
    for name in TARGETS
    if name.startswith("api:") and name.removesuffix(".json") not in API_POSTS
}
POST_ONLY = {
    *API_POSTS,
    *(f"{name}.json" for name in API_POSTS),
    "imports:store",
    "care:test-record",
    "care:test-withdraw",
    "review:proposal-create",
    "shops:campaign-group-create",
    "shops:campaign-split",
    "shops:campaign-assign",
    "shops:campaign-close",
    "shops:campaign-delete",
    "hotels:hotel-accept",
    "hotels:hotel-state",
    "hotels:rooms-add",
    "hotels:roster-add",
    "hotels:checklist-tick",
    "hotels:room-clean",
    "hotels:room-service",
    "hotels:roster-remove",
}
# A signed-in outsider may get 403 instead of 404 only where the view refuses the role
# before it looks anything up: (route, user) → why.
_SUPERVISORS = (
    "dashboards are for the supervising roles (community staff and above): a grid worker "
    "or an inspector is refused before any node is looked up; a supervisor outside the "
    "node gets 404 (dashboards/tests/test_dashboards.py)"
)
ROLE_GATED: dict[tuple[str, str], str] = {
    (name, user): _SUPERVISORS
    for name in (
        "dashboards:node",
        "dashboards:report",
        "dashboards:report-xlsx",
        "dashboards:report-pdf",
    )
    for user in ("grid_b_worker", "inspector", "hotel_staff")
}
ROLE_GATED.update(
    {
        ("vaccination:product-edit", user): "the product table is the city office's: any "
        "other role is refused before a product is looked up (the products are city-wide "
        "data, no grid's)"
        for user in ("grid_b_worker", "inspector", "hotel_staff")
    }
)
ROLE_GATED.update(
    {
        (name, user): "the hotels are run by the district and city offices: any other role "
        "is refused before anything is looked up; an office of another district gets 404 "
        "(hotels/tests/test_views.py)"
        for name in ("hotels:place", "hotels:staff-detail")
        for user in ("grid_b_worker", "inspector", "hotel_staff")
    }
)
# (route, user) that rightly sees the grid_a object, and why; they must answer 200.
_NODE = (
    "the inspector is placed at the street, whose subtree of the jurisdiction tree (the "
    "grids as places) they see; the counts on it come from the scoped querysets (zero "
    "residents, only their groups' shops)"
)
IN_SCOPE = {
    ("api:user-detail", "inspector"): "staff placed inside the inspector's street are of "
    "their jurisdiction (communities.access.users_for): names and roles, no resident's data",
    ("api:user-detail.json", "inspector"): "the same, as JSON",
    ("communities:jurisdiction-detail", "inspector"): _NODE,
    ("api:jurisdiction-detail", "inspector"): _NODE,
    ("api:jurisdiction-detail.json", "inspector"): _NODE,
}

OUTSIDERS = ("grid_b_worker", "inspector", "hotel_staff", "anonymous")


def _public(name: str) -> bool:
    return name in PUBLIC or name.split(":")[0] in PUBLIC_NAMESPACES


def _cases():
    for name, route, params in routes_with_ids():
        if _public(name):
            continue
        for key in TARGETS.get(name, [None]):
            methods = ["GET"] if name in GET_ONLY else ["GET", "POST"]
            for user in OUTSIDERS:
                for method in methods:
                    yield pytest.param(
                        name, route, params, key, user, method, id=f"{name}-{key}-{user}-{method}"
                    )


# --- The objects of grid_a, made once for the module -----------------------------------------


@pytest.fixture(scope="module")
def grid_a(django_db_setup, django_db_blocker, tmp_path_factory):
    """One object of every kind the routes point at, all in 第1网格, and the outsiders.
    Made once in a transaction that is rolled back after the module (each test runs in a
    savepoint inside it)."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _grid_a_build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _grid_a_build() -> dict:
    nodes = tree()
    grid = nodes["grid_a"]
    street = nodes["street"]
    resident = ResidentFactory(grid=grid, code="yellow")
    worker_a = UserFactory(role=Role.GRID_WORKER, jurisdiction=nodes["community"], grids=[grid])
    district = UserFactory(role=Role.DISTRICT_OFFICE, jurisdiction=nodes["district"])
    supervisor = UserFactory(role=Role.STREET_SUPERVISOR, jurisdiction=street)
    users = {
        "grid_b_worker": UserFactory(
            role=Role.GRID_WORKER, jurisdiction=nodes["community"], grids=[nodes["grid_b"]]
        ),
        "inspector": UserFactory(role=Role.INSPECTOR, jurisdiction=street),
        # a quarantine hotel's staff in grid_a's district, on no hotel's roster
        "hotel_staff": UserFactory(role=Role.HOTEL_STAFF, jurisdiction=nodes["district"]),
        # the control: the city office sees all of it
        "city_office": UserFactory(role=Role.CITY_OFFICE, jurisdiction=nodes["city"]),
        # the control for staff accounts, which the district office resets
        "district_office": district,
        # the control for changing a campaign, which only the street's supervisor does
        "street_supervisor": supervisor,
        # the control for an export's file, which only its author downloads
        "grid_a_worker": worker_a,
    }

    review = DecisionReviewFactory(resident=resident)
    objects = {
        "account": worker_a,
        "grid": grid,
        "community": nodes["community"],
        "report": DailyReport.objects.create(
            node=street, day=date.today(), built_at=timezone.now()
        ),
        "resident": resident,
        "arrival": review.arrival,
        "review": review,
        "test": NucleicAcidTest.objects.create(
            resident=resident, kind="landing", due=timezone.localdate()
        ),
        "anomaly": Anomaly.objects.create(resident=resident, kind="fever", detail="37.8℃"),
        "proposal": CodeChangeProposal.objects.create(
            resident=resident,
            from_code="yellow",
            to_code="green",
            reason="误赋码",
            proposed_by=district,
        ),
        "appeal": Appeal.objects.create(
            resident=resident,
            source=Appeal.Source.SELF,
            reason="误赋码",
            evidence="appeals/report.png",
            code_at_filing="yellow",
            due_at=timezone.now() + timedelta(hours=24),
        ),
        "measure": ControlMeasure.objects.create(
            resident=resident,
            rule="R6",
            phases=[{"kind": "home_health_monitoring", "days": 7}],
            start=date.today(),
            end=date.today() + timedelta(days=6),
            release_due=date.today() + timedelta(days=7),
        ),
        "code_event": HealthCodeEvent.objects.create(
            resident=resident, kind="assign", from_code="green", to_code="yellow", reason="R6"
        ),
        "notice": Notice.objects.create(
            recipient=worker_a,
            kind="anomaly",
            text="异常",
            channel="inapp",
            state="sent",
            dedupe_key="outsiders",
        ),
        "run": RecomputeRun.objects.create(kind="nightly", today=date.today()),
        # an announcement's dry run: the city office's, who publish (no grid's data)
        "impact_preview": ImpactPreview.objects.create(
            digest="0" * 64,
            payload={"title": "提示", "effective": date.today().isoformat()},
            today=date.today(),
            state=ImpactPreview.State.DONE,
        ),
    }
    objects["appeal"].evidence.save("report.png", ContentFile(PNG))
    # grid_a's worker's export of their residents (我的导出): theirs alone
    exported = Path(settings.MEDIA_ROOT) / "exports" / "1-residents.csv"
    exported.parent.mkdir(parents=True, exist_ok=True)
    exported.write_text("\ufeff姓名\n", encoding="utf-8")
    objects["export"] = Export.objects.create(
        by=worker_a,
        list_name="residents",
        title="居民",
        format="csv",
        state=Export.State.DONE,
        rows=0,
        file="exports/1-residents.csv",
    )
    # grid_a's worker's results file (导入): theirs and the levels above
    uploaded = Path(settings.MEDIA_ROOT) / "imports" / "results.csv"
    uploaded.parent.mkdir(parents=True, exist_ok=True)
    uploaded.write_text(
        f"\ufeff身份证号,采样时间,检测结果\n{resident.id_number},2022-04-01 09:30,阴性\n",
        encoding="utf-8",
    )
    objects["import"] = Import.objects.create(
        by=worker_a,
        kind="test-results",
        title="核酸检测结果",
        file_name="results.csv",
        file="imports/results.csv",
        rows=1,
        state=Import.State.READY,
    )
    for kind in GridTask.Kind.values:
        for suffix, arrival in (("", None), ("_arrival", review.arrival)):
            objects[f"task_{kind}{suffix}"] = GridTask.objects.create(
                kind=kind,
                community=nodes["community"],
                resident=resident,
                arrival=arrival,
                due_at=timezone.now() + timedelta(hours=24),
            )

    # A campaign of the street with one joint group (grid_a's worker and two inspectors
    # who are not our outsider); its share holds grid_a's shop, which has a red placard
    # after one inspection.
    shop = ShopFactory(grid=grid, road="通达街", address="通达街1号")
    starts = date.today() - timedelta(days=1)
    campaign = shop_services.campaign_create(
        street=street, title="扫街行动", starts_on=starts, roads=["通达街"], by=supervisor
    )
    shop_services.group_create(
        campaign=campaign,
        grid_worker=worker_a,
        market_officer=UserFactory(role=Role.INSPECTOR, jurisdiction=street),
        enforcement_officer=UserFactory(role=Role.INSPECTOR, jurisdiction=street),
    )
    shop_services.shares_split_by_road(campaign=campaign)
    inspection, _created = shop_services.inspection_record(
        shop=shop, by=worker_a, answers=answers(masks_worn=False)
    )
    inspection.photo.save("shop.png", ContentFile(PNG))
    Shop.objects.filter(pk=shop.pk).update(placard=Shop.Placard.RED)
    objects.update(shop=shop, campaign=campaign, inspection=inspection)
    objects["group"] = campaign.groups.get()
    objects["followup"] = FollowUp.objects.create(
        resident=resident,
        measure=objects["measure"],
        day=date.today(),
        temperature="36.5",
        recorded_by=worker_a,
    )
    products_ensure()
    objects["product"] = Product.objects.get(code="bbibp")
    objects["dose"] = Dose.objects.create(
        resident=resident,
        day=date.today(),
        product=objects["product"],
        lot="202201A015",
        site="小店区人民医院接种点",
        number=1,
    )
    # a quarantine hotel of grid_a's district, its room taken by the resident, its staff
    hotel = Hotel.objects.create(
        district=nodes["district"],
        name="锦江之星",
        address="长风街88号",
        contact_name="王经理",
        contact_phone="13503510000",
        state=Hotel.State.IN_USE,
        accepted_on=date.today(),
        accepted_by="张检查员",
    )
    room = Room.objects.create(hotel=hotel, floor=2, number="201", state="occupied")
    member = StaffMember.objects.create(
        district=nodes["district"], name="王丽", phone="13903510001"
    )
    objects.update(
        hotel=hotel,
        room=room,
        hotel_staff=member,
        roster_entry=RosterEntry.objects.create(hotel=hotel, staff=member, since=date.today()),
        placement=Placement.objects.create(
            resident=resident,
            measure=objects["measure"],
            hotel=hotel,
            room=room,
            due_out=date.today() + timedelta(days=6),
            transfer_from="通达街1号",
            transfer_at=timezone.now(),
            transfer_by="转运组",
        ),
    )
    return {"objects": objects, "users": users}


# --- The tests ----------------------------------------------------------------------------------


def test_every_route_with_an_id_is_mapped():
    unmapped = [
        f"{name} ({route})"
        for name, route, _params in routes_with_ids()
        if name not in TARGETS and not _public(name)
    ]
    assert not unmapped, f"routes with an id and no scope in TARGETS or PUBLIC: {unmapped}"


def test_every_mapped_or_public_route_exists():
    names = {name for name, _route, _params in routes_with_ids()}
    listed = set(TARGETS) | set(PUBLIC) | GET_ONLY | POST_ONLY | set(CONTROL)
    listed |= {name for name, _user in (*IN_SCOPE, *ROLE_GATED)}
    stale = sorted(listed - names)
    assert not stale, f"the lists name routes that are gone: {stale}"


def test_the_walk_finds_pages_and_api_routes():
    names = {name for name, _route, _params in routes_with_ids()}
    assert {"communities:resident-detail", "api:resident-detail", "shop-status:status"} <= names
    assert "api:resident-detail.json" in names
    assert "review:proposal-create" in names  # <int:resident_pk>


@pytest.mark.parametrize(("name", "route", "params", "key", "user", "method"), list(_cases()))
def test_outsider_gets_nothing(grid_a, db, name, route, params, key, user, method):
    if key is None:
        pytest.fail(f"{name} ({route}) takes an id but is neither in TARGETS nor in PUBLIC")
    obj = grid_a["objects"][key]
    ident = getattr(obj, "public_id", None) if "public_id" in params else obj.pk
    url = _url(name, params, ident)
    client = Client()
    if user != "anonymous":
        client.force_login(grid_a["users"][user])
    response = client.generic(method, url)

    if user == "anonymous":
        if name.startswith("api:"):
            assert response.status_code in {401, 403}, (url, response.status_code)
        else:
            assert response.status_code == 302, (url, response.status_code)
            login = resolve_url(settings.LOGIN_URL)
            assert urlsplit(response["Location"]).path == login
        return
    if (method == "GET" and name in POST_ONLY) or (method == "POST" and name in GET_ONLY):
        assert response.status_code == 405, (url, response.status_code)
        return
    if (name, user) in IN_SCOPE:
        assert response.status_code == 200, (url, response.status_code)
        return
    expected = {404, 403} if (name, user) in ROLE_GATED else {404}
    assert response.status_code in expected, (url, response.status_code)


# Who finds the object when the outsiders do not: the city office, except where another
# role's scope holds it and the city office's does not.
CONTROL = {
    "accounts:staff-password": "district_office",
    "shops:campaign-edit": "street_supervisor",
    "transfers:export-download": "grid_a_worker",
    # a notice is its recipient's alone
    "api:notice-detail": "grid_a_worker",
    "api:notice-detail.json": "grid_a_worker",
    "api:notice-read": "grid_a_worker",
    "api:notice-read.json": "grid_a_worker",
}


def _control_cases():
    for name, _route, params in routes_with_ids():
        for key in TARGETS.get(name, []):
            yield pytest.param(name, params, key, id=f"{name}-{key}")


@pytest.mark.parametrize(("name", "params", "key"), list(_control_cases()))
def test_city_office_finds_the_object(grid_a, db, name, params, key):
    """The control: the ids are right, so the outsiders' 404s are the scope's doing."""
    obj = grid_a["objects"][key]
    client = Client()
    client.force_login(grid_a["users"][CONTROL.get(name, "city_office")])
    response = client.get(_url(name, params, obj.pk))
    # the city office finds an anomaly but resolving is not its step: 403, not 404
    expected = {405} if name in POST_ONLY else {403} if name == "care:anomaly-resolve" else {200}
    assert response.status_code in expected, (name, response.status_code)


def test_admin_sends_outsiders_to_its_login(grid_a, db):
    resident = grid_a["objects"]["resident"]
    url = reverse("admin:communities_resident_change", args=[resident.pk])
    for user in ("grid_b_worker", "inspector"):
        client = Client()
        client.force_login(grid_a["users"][user])
        response = client.get(url)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("admin:login")
