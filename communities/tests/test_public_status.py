"""Public pages give a reference (issue 13): a self-report and a public appeal each answer
with one; the status page shows, by reference and the last four digits of the phone, where
it stands under a masked name, the same answer for a wrong reference or wrong digits, and
no more than 20 look-ups an hour from one address."""

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from communities import references, selectors_public, services, views_public
from communities.models import Appeal, ArrivalReport, GridTask, Resident

from .factories import image_bytes
from .test_self_report import form_data

NOW = timezone.make_aware(datetime(2022, 4, 10, 9, 30))
CHARS = "[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}"  # no 0/O, 1/I/L
SHAPE = re.compile(rf"^(BB|SS)-{CHARS}-{CHARS}$")


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    """A file cache of the test's own (conftest.own_cache): the rate limit counts there."""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def in_chinese(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


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


def look_up(client, reference, digits, **extra):
    data = {"reference": reference, "phone_last4": digits}
    return client.post(reverse("public:status"), data, **extra)


def main(response) -> str:
    """The page's own text, less the CSRF tokens (random letters and digits each time)."""
    html = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)


# --- References ------------------------------------------------------------------------------


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


def test_the_thank_you_page_shows_the_reference_big_and_links_to_the_status_page(client, world):
    response = report(client, world)
    arrival = ArrivalReport.objects.get()
    html = main(response)
    assert f'data-testid="reference">{arrival.reference}<' in html
    assert "请记下或截图保存" in html
    link = reverse("public:status") + "?reference=" + arrival.reference
    assert link in html
    # the linked page has the reference filled in
    assert f'value="{arrival.reference}"' in client.get(link).content.decode()


def test_the_thank_you_page_without_a_valid_token_sends_back_to_the_form(client, db):
    for query in ("", "?t=forged"):
        response = client.get(reverse("public:report-thanks") + query)
        assert response.status_code == 302 and response.url == reverse("public:report-create")


def test_the_appeals_thank_you_page_shows_its_reference_and_deadline(client, world):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = appeal_public(client, make_red(world["residents"]["grid_a"]))
    appeal = Appeal.objects.get()
    html = main(response)
    assert f'data-testid="reference">{appeal.reference}<' in html
    assert "2022-04-11 09:30" in html
    assert reverse("public:status") + "?reference=" + appeal.reference in html


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


# --- Privacy notices and the footer ----------------------------------------------------------


@pytest.mark.parametrize("name", ["public:report-create", "appeals:public-create"])
def test_both_public_forms_say_what_is_kept_who_sees_it_and_how_long(client, world, name):
    html = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    notice = html.split('data-testid="privacy"', 1)[1].split("</section>", 1)[0]
    for heading in ("收集哪些信息", "谁能看到", "保存多久"):
        assert heading in notice
    assert "市疫情防控办" in notice


def test_the_public_footer_links_to_the_status_page(client, db):
    html = client.get(reverse("public:report-create")).content.decode()
    assert f'href="{reverse("public:status")}" data-testid="footer-status"' in html


# --- The status of a self-report -------------------------------------------------------------


def status_of(client, reference, digits):
    response = look_up(client, reference, digits, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return main(response)


def stage(html) -> str:
    return html.split('data-testid="stage">', 1)[1].split("<", 1)[0]


def test_a_self_report_is_found_by_reference_and_digits_with_a_masked_name(client, world):
    report(client, world)
    arrival = ArrivalReport.objects.get()
    task = GridTask.objects.get()
    html = status_of(client, arrival.reference.lower(), "5678")
    assert 'data-testid="status"' in html
    assert stage(html) == in_chinese(ArrivalReport.State.SUBMITTED.label)
    assert 'data-testid="masked-name">赵*备<' in html
    assert timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M") in html
    assert in_chinese(selectors_public.SELF_REPORT_STAGES["submitted"][1]) in html


def test_nothing_personal_of_a_self_report_is_shown(client, world):
    report(client, world, address="通达街10号3单元")
    arrival = ArrivalReport.objects.get()
    html = status_of(client, arrival.reference, "5678")
    personal = [
        "赵报备",
        arrival.id_number,
        "13912345678",
        "5678",
        "通达街10号",
        world["nodes"]["community"].name,
        "吉林",
        "太原南站",
        "红码",
        "R1",
    ]
    assert [text for text in personal if text in html] == []


def test_a_self_report_handed_over_and_then_verified_shows_each_stage(client, world):
    outsider = world["residents"]["other_grid"]
    report(client, world, id_number=outsider.id_number, name=outsider.name, phone=outsider.phone)
    arrival = ArrivalReport.objects.get()
    digits = outsider.phone[-4:]
    services.self_report_hand_over(arrival=arrival)
    html = status_of(client, arrival.reference, digits)
    assert stage(html) == "已移交"
    assert outsider.grid.parent.name not in html  # where they are registered stays unsaid
    services.self_report_verify(
        arrival=arrival,
        grid=outsider.grid,
        by=world["users"]["outsider_grid_worker"],
        visible=Resident.objects.all(),
    )
    html = status_of(client, arrival.reference, digits)
    assert stage(html) == "已核实" and 'data-testid="due"' not in html
    assert in_chinese(selectors_public.SELF_REPORT_STAGES["verified"][1]) in html


def test_a_state_the_page_does_not_know_shows_its_own_label(client, world):
    report(client, world)
    arrival = ArrivalReport.objects.get()
    ArrivalReport.objects.filter(pk=arrival.pk).update(state=ArrivalReport.State.ASSESSED)
    known = {k: v for k, v in selectors_public.SELF_REPORT_STAGES.items() if k != "verified"}
    with mock.patch.dict(selectors_public.SELF_REPORT_STAGES, known, clear=True):
        html = status_of(client, arrival.reference, "5678")
    assert stage(html) == in_chinese(ArrivalReport.State.ASSESSED.label)
    assert in_chinese(selectors_public.OTHER_NOTE) in html


# --- The status of an appeal -----------------------------------------------------------------


@pytest.fixture
def appeal(client, world):
    """A public appeal of grid_a's resident, filed at NOW."""
    make_red(world["residents"]["grid_a"])
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        appeal_public(client, world["residents"]["grid_a"])
    return Appeal.objects.select_related("resident").get()


def appeal_status_at(client, appeal, at):
    with mock.patch("django.utils.timezone.now", return_value=at):
        return status_of(client, appeal.reference, appeal.resident.phone[-4:])


def test_an_open_appeal_shows_its_stage_and_24_hour_clock(client, appeal):
    html = appeal_status_at(client, appeal, NOW + timedelta(hours=3, minutes=15))
    assert stage(html) == "已提交"
    assert 'data-testid="due">2022-04-11 09:30<' in html
    countdown = html.split('data-testid="countdown"', 1)[1].split("</div>", 1)[0]
    assert "剩余 20小时45分" in countdown
    assert 'data-testid="time-left"' in countdown
    html = appeal_status_at(client, appeal, NOW + timedelta(hours=25))
    assert "已超时 1小时0分" in html


def test_a_resolved_appeal_shows_its_outcome_and_no_clock(client, world, appeal):
    users = world["users"]
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(hours=1)):
        services.appeal_verify(appeal=appeal, note="核实人张三", by=users["grid_worker"])
    html = appeal_status_at(client, appeal, NOW + timedelta(hours=2))
    assert stage(html) == "网格员已核实"
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(hours=3)):
        services.appeal_review(appeal=appeal, note="审核意见", by=users["district_office"])
        services.appeal_resolve(
            appeal=appeal, release=True, note="行程属实，解码", by=users["city_office"]
        )
    html = appeal_status_at(client, appeal, NOW + timedelta(hours=5))
    assert stage(html) == "已办结 · 已解除"
    assert in_chinese(selectors_public.OUTCOME_NOTES["released"]) in html
    assert 'data-testid="countdown"' not in html and 'data-testid="due"' not in html
    steps = html.split('data-testid="steps"', 1)[1].split("</ol>", 1)[0]
    times = ["2022-04-10 09:30", "2022-04-10 10:30", "2022-04-10 12:30", "2022-04-10 12:30"]
    assert re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", steps) == times
    # nothing personal, and none of the staff's notes or names
    resident = appeal.resident
    hidden = [
        resident.name,
        resident.id_number,
        resident.phone,
        "我未去过风险地区",
        "核实人张三",
        "审核意见",
        "行程属实",
        str(users["grid_worker"]),
        str(users["city_office"]),
        "红码",
    ]
    assert [text for text in hidden if text in html] == []


def test_an_upheld_appeal_says_the_code_stays(client, world, appeal):
    users = world["users"]
    services.appeal_verify(appeal=appeal, note="", by=users["grid_worker"])
    services.appeal_review(appeal=appeal, note="", by=users["district_office"])
    services.appeal_resolve(appeal=appeal, release=False, note="", by=users["city_office"])
    html = appeal_status_at(client, appeal, NOW + timedelta(hours=5))
    assert stage(html) == "已办结 · 维持原码"
    assert in_chinese(selectors_public.OUTCOME_NOTES["upheld"]) in html


# --- One answer for what is not found, and the rate limit -----------------------------------


def test_wrong_digits_and_an_unknown_reference_get_the_same_answer(client, world):
    report(client, world)
    arrival = ArrivalReport.objects.get()
    unknown = "BB-22222-22222"
    attempts = [(arrival.reference, "0000"), (unknown, "5678"), ("not a reference", "5678")]
    pages = []
    for reference, digits in attempts:
        response = look_up(client, reference, digits, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        # the page, less what was typed (shown back in the form)
        pages.append(main(response).replace(reference, "…").replace(digits, "…"))
    assert pages[0] == pages[1] == pages[2]
    assert in_chinese(views_public.NOT_FOUND_MESSAGE) in pages[0]
    assert 'data-testid="status"' not in pages[0]


def test_the_digits_must_be_four_digits(client, world):
    report(client, world)
    arrival = ArrivalReport.objects.get()
    for digits in ("567", "56789", "abcd"):
        html = status_of(client, arrival.reference, digits)
        assert 'data-testid="status"' not in html and "请输入手机号的后四位数字" in html
    assert "必填" in status_of(client, arrival.reference, "")
    assert 'data-testid="status"' in status_of(client, arrival.reference, "５６７８")


def test_the_21st_look_up_from_one_address_in_an_hour_is_429(client, world):
    report(client, world)
    arrival = ArrivalReport.objects.get()
    for n in range(views_public.STATUS_LIMIT):
        digits = "5678" if n % 2 else "0000"  # found or not, every look-up counts
        assert look_up(client, arrival.reference, digits).status_code == 200
    response = look_up(client, arrival.reference, "5678", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    html = main(response)
    message = views_public.STATUS_LIMIT_MESSAGE % {"n": views_public.STATUS_LIMIT}
    assert in_chinese(message) in html and "同一网络每小时最多查询 20 次" in html
    assert 'data-testid="status"' not in html
    assert look_up(client, arrival.reference, "5678", REMOTE_ADDR="10.0.0.2").status_code == 200
    in_61_minutes = timezone.now() + timedelta(minutes=61)
    with mock.patch("time.time", return_value=in_61_minutes.timestamp()):
        assert look_up(client, arrival.reference, "5678").status_code == 200


def test_a_form_that_is_not_filled_in_counts_nothing(client, db):
    for _ in range(views_public.STATUS_LIMIT + 1):
        assert look_up(client, "", "").status_code == 200
    assert look_up(client, "BB-22222-22222", "1234").status_code == 200
