"""Appeals against a wrong code (误赋码申诉): the public form, the grid worker's filing, the
steps verify → review → resolve, the scoped evidence, and the 24-hour countdown."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from communities import access, services, views_appeals
from communities.models import (
    APPEAL_DEADLINE,
    Appeal,
    ControlMeasure,
    HealthCodeEvent,
    PersonDecision,
    Resident,
)

from .factories import image_bytes, pdf_bytes, valid_id_number

PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
PDF = pdf_bytes()
NOW = timezone.make_aware(datetime(2022, 4, 10, 9, 30))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads go to the test's own directory, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    """A file cache of the test's own (conftest.own_cache): the rate limits count there."""


def make_red(resident: Resident) -> Resident:
    """A red code (R1) with an active 14-day measure."""
    today = timezone.localdate()
    Resident.objects.filter(pk=resident.pk).update(code="red", code_rule="R1")
    ControlMeasure.objects.create(
        resident=resident,
        rule="R1",
        phases=[{"kind": "centralized_quarantine", "days": 14}],
        start=today,
        end=today + timedelta(days=13),
        release_due=today + timedelta(days=14),
    )
    resident.refresh_from_db()
    return resident


@pytest.fixture
def red(world):
    """The resident of grid_a (the grid worker's grid), red under an active measure."""
    return make_red(world["residents"]["grid_a"])


def upload(content=PNG, name="report.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def public_data(resident, **changes):
    data = {
        "id_number": resident.id_number,
        "phone": resident.phone,
        "reason": "我未去过风险地区，核酸阴性。",
        "evidence": upload(),
    }
    data.update(changes)
    return data


def post_public(client, resident, **changes):
    return client.post(reverse("appeals:public-create"), public_data(resident, **changes))


def in_chinese(message, **params) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(message) if isinstance(message, str) else str(message)
    return text % params if params else text


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def file_appeal(resident, **changes) -> Appeal:
    values = {
        "resident": resident,
        "reason": "误赋码",
        "evidence": upload(),
        "source": Appeal.Source.SELF,
    }
    values.update(changes)
    return services.appeal_file(**values)


# --- The public form -------------------------------------------------------------------------


def test_anonymous_sees_the_public_form(client, db):
    response = client.get(reverse("appeals:public-create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html and 'name="evidence"' in html


def test_public_appeal_is_stored_due_24_hours_after_filing_with_the_report(client, red, media):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = post_public(client, red)
    assert response.status_code == 302
    assert response.url.startswith(reverse("appeals:public-thanks"))
    appeal = Appeal.objects.get()
    assert (appeal.resident, appeal.source, appeal.filed_by, appeal.state) == (
        red,
        "self",
        None,
        "filed",
    )
    assert (appeal.created_at, appeal.due_at) == (NOW, NOW + timedelta(hours=24))
    assert appeal.code_at_filing == "red"
    # stored under a random name of its real kind, with its content
    assert appeal.evidence.name.startswith("appeals/")
    assert appeal.evidence.name.endswith(".png") and "report" not in appeal.evidence.name
    # re-encoded: the same picture, and nothing but the picture
    [stored] = stored_files(media)
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (40, 30))


def test_thank_you_page_shows_the_deadline_and_no_personal_data(client, red):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = post_public(client, red)
    html = client.get(response.url).content.decode()
    assert 'data-testid="thanks"' in html
    assert "2022-04-11 09:30" in html  # Asia/Shanghai, 24 hours after filing
    assert red.name not in html and red.id_number not in html and red.phone not in html


def test_thank_you_page_without_a_valid_token_sends_back_to_the_form(client, db):
    for query in ("", "?t=forged"):
        response = client.get(reverse("appeals:public-thanks") + query)
        assert response.status_code == 302 and response.url == reverse("appeals:public-create")


@pytest.mark.parametrize(
    ("content", "name", "extension"),
    [
        (PDF, "报告.pdf", ".pdf"),
        (JPEG, "photo.jpeg", ".jpg"),
        (PNG, "screenshot.PDF", ".png"),  # the content decides, not the name
    ],
)
def test_jpeg_png_and_pdf_are_accepted_by_their_content(client, red, content, name, extension):
    response = post_public(client, red, evidence=upload(content, name, "application/pdf"))
    assert response.status_code == 302
    assert Appeal.objects.get().evidence.name.endswith(extension)


def test_lowercase_x_and_spaces_in_the_id_number_still_find_the_person(client, world):
    id_number = next(n for n in iter(valid_id_number, None) if n.endswith("X"))
    resident = world["residents"]["grid_a"]
    Resident.objects.filter(pk=resident.pk).update(id_number=id_number)
    make_red(resident)
    response = post_public(client, resident, id_number=f" {id_number.lower()} ")
    assert response.status_code == 302 and Appeal.objects.filter(resident=resident).exists()


@pytest.mark.parametrize(
    "changes",
    [
        lambda r: {"phone": "13912349999"},  # the ID number exists, the phone does not match
        lambda r: {"id_number": valid_id_number()},  # no such ID number
    ],
)
def test_no_match_gets_one_neutral_message_and_stores_nothing(client, red, media, changes):
    response = post_public(client, red, **changes(red))
    html = response.content.decode()
    assert response.status_code == 200
    assert in_chinese(views_appeals.NO_MATCH_MESSAGE) in html
    assert not Appeal.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        (
            upload(b"I am negative, trust me.\n", "report.pdf", "application/pdf"),
            "This file is not a JPEG or PNG image or a PDF. Send a photo or a PDF of the report.",
        ),
        (
            upload(b"\xff\xd8\xff\xe0<html><script>x()</script></html>", "r.jpg", "image/jpeg"),
            "This file is not a JPEG or PNG image or a PDF. Send a photo or a PDF of the report.",
        ),
        (
            upload(b"%PDF-1.4\n<html></html>\n%%EOF\n", "report.pdf", "application/pdf"),
            "This file is not a JPEG or PNG image or a PDF. Send a photo or a PDF of the report.",
        ),
        (
            upload(b"MZ\x90\x00" + b"\x00" * 64, "report.png", "image/png"),
            "This file is not a JPEG or PNG image or a PDF. Send a photo or a PDF of the report.",
        ),
        (
            upload(PNG + b"\x00" * (6 * 1024 * 1024), "big.png", "image/png"),
            "The file is %(size)s; at most 5 MB is accepted.",
        ),
    ],
    ids=[
        "text-renamed-pdf",
        "jpeg-magic-html",
        "pdf-magic-html",
        "exe-renamed-png",
        "six-megabytes",
    ],
)
def test_a_file_that_is_not_a_small_image_or_pdf_is_refused_and_nothing_stored(
    client, red, media, evidence, message
):
    response = post_public(client, red, evidence=evidence)
    assert response.status_code == 200
    assert response.context["form"].has_error("evidence")
    expected = in_chinese(message).split("%(size)s")[-1]
    assert expected in response.content.decode()
    assert not Appeal.objects.exists() and stored_files(media) == []


def test_a_green_resident_cannot_appeal(client, world, media):
    green = world["residents"]["grid_a"]
    assert green.code == "green"
    response = post_public(client, green)
    assert response.status_code == 200
    message = "This person's code is green: there is nothing to appeal."
    assert in_chinese(message).replace("'", "&#x27;") in response.content.decode()
    assert not Appeal.objects.exists() and stored_files(media) == []


def test_a_second_appeal_while_one_is_open_is_refused(client, red):
    assert post_public(client, red).status_code == 302
    response = post_public(client, red)
    assert response.status_code == 200
    assert in_chinese("An appeal of this person is already being handled.") in (
        response.content.decode()
    )
    assert Appeal.objects.count() == 1


# --- Rate limits ---------------------------------------------------------------------------


def test_sixth_attempt_from_one_address_in_an_hour_is_429_and_not_stored(client, red, world):
    others = [make_red(world["residents"][key]) for key in ("grid_b", "other_grid")]
    assert post_public(client, others[0]).status_code == 302
    # attempts that find no one count too: the form must not test ID/phone pairs unlimited
    for _ in range(views_appeals.IP_LIMIT - 2):
        unknown = post_public(client, others[1], id_number=valid_id_number())
        assert unknown.status_code == 200
    assert post_public(client, others[1]).status_code == 302
    response = post_public(client, red)
    assert response.status_code == 429
    expected = in_chinese(views_appeals.IP_LIMIT_MESSAGE, n=views_appeals.IP_LIMIT)
    assert expected in response.content.decode()
    assert not Appeal.objects.filter(resident=red).exists()
    other = client.post(reverse("appeals:public-create"), public_data(red), REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_fourth_attempt_for_one_id_number_in_a_day_is_429_and_not_stored(client, red):
    for n in range(views_appeals.ID_LIMIT):
        wrong = post_public(client, red, phone="1391234999" + str(n))
        assert wrong.status_code == 200
    response = client.post(
        reverse("appeals:public-create"), public_data(red), REMOTE_ADDR="10.0.0.3"
    )
    assert response.status_code == 429
    expected = in_chinese(views_appeals.ID_LIMIT_MESSAGE, n=views_appeals.ID_LIMIT)
    assert expected in response.content.decode()
    assert not Appeal.objects.exists()
    in_25_hours = timezone.now() + timedelta(hours=25)
    with mock.patch("time.time", return_value=in_25_hours.timestamp()):
        assert post_public(client, red).status_code == 302


def test_refused_input_does_not_count_against_the_limit(client, red):
    for _ in range(views_appeals.IP_LIMIT + 1):
        bad = post_public(client, red, evidence=upload(b"plain text", "a.pdf"))
        assert bad.status_code == 200
    assert post_public(client, red).status_code == 302


# --- The grid worker files -------------------------------------------------------------------


def create_url(resident) -> str:
    return reverse("appeals:create") + f"?resident={resident.pk}"


def test_grid_worker_files_an_appeal_for_a_resident_of_theirs(client, world, red, media):
    worker = world["users"]["grid_worker"]
    client.force_login(worker)
    assert client.get(create_url(red)).status_code == 200
    data = {
        "quarantine_status": "居家隔离第3天",
        "reason": "核酸阴性，行程不涉及风险地区",
        "evidence": upload(PDF, "report.pdf", "application/pdf"),
    }
    response = client.post(create_url(red), data)
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "appeals:detail", args=[appeal.pk]
    )
    assert (appeal.source, appeal.filed_by, appeal.quarantine_status, appeal.state) == (
        "grid_worker",
        worker,
        "居家隔离第3天",
        "filed",
    )
    assert abs(appeal.due_at - appeal.created_at - APPEAL_DEADLINE) < timedelta(seconds=1)
    assert [p.read_bytes() for p in stored_files(media)] == [PDF]


def test_grid_worker_filing_needs_the_quarantine_status_and_a_real_report(client, world, red):
    client.force_login(world["users"]["grid_worker"])
    data = {"quarantine_status": "", "reason": "x", "evidence": upload(b"no", "a.png")}
    response = client.post(create_url(red), data)
    form = response.context["form"]
    assert form.has_error("quarantine_status") and form.has_error("evidence")
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("outsider_grid_worker", 404), ("grid_worker", 404), ("community_staff", 403)],
)
def test_filing_outside_the_workers_residents_is_refused(client, world, role, status):
    # grid_b is not the grid worker's grid; community staff are not grid workers
    resident = make_red(world["residents"]["grid_b"])
    client.force_login(world["users"][role])
    assert client.get(create_url(resident)).status_code == status
    assert client.post(create_url(resident), {}).status_code == status
    assert not Appeal.objects.exists()


def test_filing_without_a_resident_is_404(client, world):
    client.force_login(world["users"]["grid_worker"])
    for query in ("", "?resident=abc"):
        assert client.get(reverse("appeals:create") + query).status_code == 404


# --- The steps -------------------------------------------------------------------------------


def detail_url(appeal) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


def step(client, user, appeal, name, **data):
    client.force_login(user)
    return client.post(detail_url(appeal), {"step": name, "note": "已核实", **data}, follow=True)


def test_filed_verified_reviewed_and_released_turns_the_code_green_by_the_city(client, world, red):
    users = world["users"]
    appeal = file_appeal(red)
    html = step(client, users["grid_worker"], appeal, "verify").content.decode()
    assert in_chinese("Verified; the appeal goes to the district prevention office.") in html
    step(client, users["district_office"], appeal, "review", note="材料齐全")
    response = step(client, users["city_office"], appeal, "resolve", outcome="released")
    appeal.refresh_from_db()
    assert (appeal.state, appeal.outcome) == ("resolved", "released")
    assert (appeal.verified_by, appeal.reviewed_by, appeal.resolved_by) == (
        users["grid_worker"],
        users["district_office"],
        users["city_office"],
    )
    red.refresh_from_db()
    assert (red.code, red.code_rule) == ("green", "manual")
    event = HealthCodeEvent.objects.get(resident=red)
    assert (event.from_code, event.to_code, event.actor) == ("red", "green", users["city_office"])
    assert not ControlMeasure.objects.filter(resident=red, state="active").exists()
    html = response.content.decode()
    assert 'data-testid="step-form"' not in html and 'data-testid="countdown"' not in html
    assert "材料齐全" in html and str(users["city_office"]) in html


def test_upheld_keeps_the_code_and_the_measure(client, world, red):
    users = world["users"]
    appeal = file_appeal(red)
    step(client, users["grid_worker"], appeal, "verify")
    step(client, users["district_office"], appeal, "review")
    step(client, users["city_office"], appeal, "resolve", outcome="upheld", note="行程属实")
    appeal.refresh_from_db()
    red.refresh_from_db()
    assert (appeal.state, appeal.outcome, appeal.resolution_note) == (
        "resolved",
        "upheld",
        "行程属实",
    )
    assert (red.code, red.code_rule) == ("red", "R1")
    assert not HealthCodeEvent.objects.exists()
    assert ControlMeasure.objects.filter(resident=red, state="active").exists()


def advance(appeal, users, to: str) -> Appeal:
    """Take the appeal to `to` through the services."""
    if to in ("verified", "reviewed"):
        appeal = services.appeal_verify(appeal=appeal, note="", by=users["grid_worker"])
    if to == "reviewed":
        appeal = services.appeal_review(appeal=appeal, note="", by=users["district_office"])
    return appeal


def test_a_release_while_an_anomaly_is_open_is_refused_on_the_form_and_shows_it(client, world, red):
    users = world["users"]
    appeal = advance(file_appeal(red), users, "reviewed")
    anomaly = services.anomaly_raise(resident=red, kind="fever", detail="38.4 °C")
    client.force_login(users["city_office"])
    html = client.get(detail_url(appeal)).content.decode()
    warning = html[html.index('data-testid="open-anomalies"') :]
    assert "38.4 °C" in warning[: warning.index("</ul>")]
    response = client.post(
        detail_url(appeal), {"step": "resolve", "outcome": "released", "note": "核酸阴性"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    refusal = in_chinese(
        "Open anomalies must be resolved first, each with its outcome (by community staff "
        "or the district office): %(list)s",
        list="体温≥37.3°C：38.4 °C",
    )
    assert form.non_field_errors() == [refusal]
    assert refusal in response.content.decode()
    assert form["note"].value() == "核酸阴性"  # as it was filled in
    appeal.refresh_from_db()
    red.refresh_from_db()
    assert (appeal.state, appeal.outcome, red.code) == ("reviewed", "", "red")
    assert not PersonDecision.objects.exists()
    assert not HealthCodeEvent.objects.filter(to_code="green").exists()

    services.anomaly_resolve(
        anomaly=anomaly, outcome="retest_negative", note="复检阴性", by=users["community_staff"]
    )
    step(client, users["city_office"], appeal, "resolve", outcome="released")
    appeal.refresh_from_db()
    red.refresh_from_db()
    assert (appeal.state, red.code) == ("resolved", "green")
    html = client.get(detail_url(appeal)).content.decode()
    assert 'data-testid="open-anomalies"' not in html


@pytest.mark.parametrize(
    ("state", "role", "name"),
    [
        # filed: the grid worker of the person's grid (or community staff) verifies
        ("filed", "district_office", "verify"),
        ("filed", "city_office", "verify"),
        ("filed", "street_supervisor", "verify"),
        ("filed", "community_staff", "review"),
        ("filed", "grid_worker", "review"),
        ("filed", "city_office", "resolve"),  # skipping steps
        # verified: only the district office reviews
        ("verified", "grid_worker", "review"),
        ("verified", "city_office", "review"),
        ("verified", "street_supervisor", "review"),
        ("verified", "grid_worker", "verify"),  # a second time
        # reviewed: only the city office resolves
        ("reviewed", "district_office", "resolve"),
        ("reviewed", "grid_worker", "resolve"),
        ("reviewed", "district_office", "review"),
    ],
)
def test_the_wrong_role_or_step_is_refused_with_no_change(client, world, red, state, role, name):
    users = world["users"]
    appeal = advance(file_appeal(red), users, state)
    before = Appeal.objects.values().get(pk=appeal.pk)
    response = step(client, users[role], appeal, name, outcome="released")
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert Appeal.objects.values().get(pk=appeal.pk) == before
    red.refresh_from_db()
    assert red.code == "red" and not HealthCodeEvent.objects.exists()


@pytest.mark.parametrize(
    ("state", "role"),
    [("filed", "grid_worker"), ("verified", "district_office"), ("reviewed", "city_office")],
)
def test_each_role_sees_only_its_own_step(client, world, red, state, role):
    users = world["users"]
    appeal = advance(file_appeal(red), users, state)
    takers = {role, "community_staff"} if state == "filed" else {role}  # staff stand in
    for name in ("grid_worker", "community_staff", "district_office", "city_office"):
        client.force_login(users[name])
        response = client.get(detail_url(appeal))
        assert response.status_code == 200
        assert ('data-testid="step-form"' in response.content.decode()) is (name in takers), name


def test_an_empty_note_is_asked_for_again(client, world, red):
    appeal = file_appeal(red)
    response = step(client, world["users"]["grid_worker"], appeal, "verify", note="")
    assert response.context["form"].has_error("note")
    appeal.refresh_from_db()
    assert appeal.state == "filed"


# --- Scope: outsiders, evidence, the list ----------------------------------------------------


def test_the_evidence_is_served_to_the_scope_as_a_private_download(client, world, red):
    appeal = file_appeal(red, evidence=upload(PDF, "报告.pdf", "application/pdf"))
    for role in ("grid_worker", "district_office", "city_office", "superuser"):
        client.force_login(world["users"][role])
        response = client.get(reverse("appeals:evidence", args=[appeal.pk]))
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition == f'attachment; filename="appeal-{appeal.pk}.pdf"'

        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # the detail page links to the scoped view, never to a media URL
    html = client.get(detail_url(appeal)).content.decode()
    assert reverse("appeals:evidence", args=[appeal.pk]) in html
    assert appeal.evidence.name not in html


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor", "inspector"])
def test_outsiders_get_404_and_an_empty_list(client, world, red, role):
    appeal = file_appeal(red)
    client.force_login(world["users"][role])
    assert client.get(detail_url(appeal)).status_code == 404
    assert client.post(detail_url(appeal), {"step": "verify", "note": "x"}).status_code == 404
    assert client.get(reverse("appeals:evidence", args=[appeal.pk])).status_code == 404
    response = client.get(reverse("appeals:list"))
    assert list(response.context["page"]) == []
    assert red.name not in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.state == "filed"


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("grid_worker", {"grid_a"}),
        ("community_staff", {"grid_a", "grid_b"}),
        ("district_office", {"grid_a", "grid_b"}),
        ("city_office", {"grid_a", "grid_b", "other_grid"}),
        ("superuser", {"grid_a", "grid_b", "other_grid"}),
        ("outsider_supervisor", {"other_grid"}),
        ("inspector", set()),
    ],
)
def test_appeals_for_follows_the_residents_scope(world, role, sees):
    residents = world["residents"]
    for key in ("grid_a", "grid_b", "other_grid"):
        file_appeal(make_red(residents[key]))
    visible = {a.resident.grid for a in access.appeals_for(world["users"][role])}
    assert visible == {world["nodes"][key] for key in sees}


def test_anonymous_is_sent_to_sign_in_from_the_staff_pages(client, world, red):
    appeal = file_appeal(red)
    for url in (
        reverse("appeals:list"),
        create_url(red),
        detail_url(appeal),
        reverse("appeals:evidence", args=[appeal.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


# --- The countdown ---------------------------------------------------------------------------


def left(hours, minutes) -> str:
    return in_chinese("%(hours)s h %(minutes)s min left", hours=hours, minutes=minutes)


def overdue(hours, minutes) -> str:
    return in_chinese("Overdue by %(hours)s h %(minutes)s min", hours=hours, minutes=minutes)


def test_the_countdown_shows_the_time_left_and_then_the_time_overdue(client, world, red):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        appeal = file_appeal(red)
    client.force_login(world["users"]["grid_worker"])
    later = NOW + timedelta(hours=18, minutes=47, seconds=30)  # 5 h 12 min 30 s left
    with mock.patch("django.utils.timezone.now", return_value=later):
        detail = client.get(detail_url(appeal)).content.decode()
        listed = client.get(reverse("appeals:list")).content.decode()
    for html in (detail, listed):
        assert left(5, 12) in html and 'data-testid="overdue"' not in html
    assert "list-group-item-warning" not in listed
    past_due = NOW + APPEAL_DEADLINE + timedelta(hours=1, minutes=3, seconds=10)
    with mock.patch("django.utils.timezone.now", return_value=past_due):
        detail = client.get(detail_url(appeal)).content.decode()
        listed = client.get(reverse("appeals:list")).content.decode()
    for html in (detail, listed):
        assert overdue(1, 3) in html and 'data-testid="time-left"' not in html
        assert 'class="text-danger fw-semibold" data-testid="overdue"' in html


def test_an_open_appeal_older_than_20_hours_is_flagged(client, world, red):
    appeal = file_appeal(red)
    now = timezone.now()
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=now - timedelta(hours=21), due_at=now + timedelta(hours=3)
    )
    client.force_login(world["users"]["district_office"])
    listed = client.get(reverse("appeals:list")).content.decode()
    assert "list-group-item-warning" in listed and left(2, 59) in listed
    assert "alert-warning" in client.get(detail_url(appeal)).content.decode()
    # a resolved appeal has no clock and no warning
    Appeal.objects.filter(pk=appeal.pk).update(state="resolved", outcome="upheld")
    listed = client.get(reverse("appeals:list")).content.decode()
    assert "list-group-item-warning" not in listed and 'data-testid="time-left"' not in listed


@pytest.fixture
def four(world):
    """Four appeals in the grid worker's grid and the next one: 甲 resolved, 乙 due in 20 h,
    丙 overdue by 2 h, 丁 due in 3 h."""
    now = timezone.now()
    due = {"甲": -9, "乙": 20, "丙": -2, "丁": 3}
    for name, hours in due.items():
        resident = make_red(
            Resident.objects.create(
                name=name,
                id_number=valid_id_number(),
                phone="13912340003",
                grid=world["nodes"]["grid_a" if name != "丁" else "grid_b"],
            )
        )
        appeal = file_appeal(resident)
        Appeal.objects.filter(pk=appeal.pk).update(due_at=now + timedelta(hours=hours))
    Appeal.objects.filter(resident__name="甲").update(state="resolved", outcome="released")


def test_list_puts_open_appeals_first_by_due_time_and_is_pinned(
    client, world, four, django_assert_num_queries
):
    client.force_login(world["users"]["district_office"])
    with django_assert_num_queries(5):  # session, user, node, count, page
        response = client.get(reverse("appeals:list"))
    assert [a.resident.name for a in response.context["page"]] == ["丙", "丁", "乙", "甲"]
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert html.index('data-testid="overdue"') < html.index("丁")
    assert 'hx-trigger="every 60s"' in html
    client.force_login(world["users"]["city_office"])
    with django_assert_num_queries(4):  # session, user, count, page
        client.get(reverse("appeals:list"))


def test_the_grid_worker_lists_the_appeals_of_their_grids_only(client, world, four):
    client.force_login(world["users"]["grid_worker"])
    response = client.get(reverse("appeals:list"))
    assert [a.resident.name for a in response.context["page"]] == ["丙", "乙", "甲"]


@pytest.mark.parametrize(
    ("state", "names"),
    [("open", ["丙", "丁", "乙"]), ("resolved", ["甲"]), ("verified", []), ("junk", None)],
)
def test_the_list_filters_by_state(client, world, four, state, names):
    client.force_login(world["users"]["district_office"])
    response = client.get(reverse("appeals:list"), {"state": state})
    expected = names if names is not None else ["丙", "丁", "乙", "甲"]
    assert [a.resident.name for a in response.context["page"]] == expected


def test_the_htmx_refresh_returns_the_rows_with_the_same_filter(client, world, four):
    client.force_login(world["users"]["district_office"])
    response = client.get(reverse("appeals:list"), {"state": "open"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="rows"') and "<html" not in html
    assert 'hx-trigger="every 60s"' in html and "state=open&amp;page=1" in html
    assert "甲" not in html and "丙" in html


def test_community_staff_verify_in_the_grid_workers_place(client, world):
    """DOMAIN.md section 5 (issue 13): community staff may take the verification step;
    the service's rule, not only the page's. The review stays the district's."""
    appeal = file_appeal(make_red(world["residents"]["grid_a"]))
    staff = world["users"]["community_staff"]
    client.force_login(staff)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="count-appeals-filed">1<' in home
    step(client, staff, appeal, "verify")
    appeal.refresh_from_db()
    assert (appeal.state, appeal.verified_by) == (Appeal.State.VERIFIED, staff)
    with pytest.raises(PermissionDenied):
        services.appeal_review(appeal=appeal, note="", by=staff)


def test_the_verify_service_refuses_the_offices(world):
    appeal = file_appeal(make_red(world["residents"]["grid_a"]))
    for role in ("street_supervisor", "district_office", "city_office"):
        with pytest.raises(PermissionDenied):
            services.appeal_verify(appeal=appeal, note="", by=world["users"][role])
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.FILED
