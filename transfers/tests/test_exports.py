"""Exports (导出): every list's rows as its page filters them, within the user's reach,
masked as the list masks them, under Chinese headings; a large one as a job under 我的导出."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from communities.models import Anomaly, GridTask, NucleicAcidTest, User
from communities.tests.conftest import world_build
from communities.tests.factories import ResidentFactory
from notices.models import Notice
from shops.tests.factories import ShopFactory
from transfers import jobs, registry
from transfers.models import Export

Role = User.Role


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = world_build()
    for key in ("grid_a", "grid_b", "other_grid"):
        ShopFactory(grid=base["nodes"][key])
    return base


def export(client, name, *, format="xlsx", **params):
    """Press the list's export button: the page's filters in the address, the format posted."""
    query = QueryDict(mutable=True)
    query.update(params)
    url = reverse("transfers:export", args=[name]) + ("?" + query.urlencode() if params else "")
    return client.post(url, {"format": format})


def sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens UTF-8 in Chinese only with a BOM
    return list(csv.reader(io.StringIO(text[1:])))


# --- What an export holds ---------------------------------------------------------------------


def test_red_residents_of_the_street_export_with_chinese_headings_and_masked_ids(client, world):
    nodes = world["nodes"]
    red = ResidentFactory(grid=nodes["grid_a"], code="red", code_rule="R1", name="王红")
    ResidentFactory(grid=nodes["grid_b"], code="green", name="李绿")
    ResidentFactory(grid=nodes["other_grid"], code="red", name="外区红")
    client.force_login(world["users"]["street_supervisor"])

    rows = sheet(export(client, "residents", code="red"))

    assert rows[0][:4] == ("姓名", "身份证号", "社区", "网格")
    assert [row[0] for row in rows[1:]] == ["王红"]
    assert rows[1][1] == red.id_number[:6] + "********" + red.id_number[-4:]
    assert red.id_number not in str(rows)
    record = Export.objects.get()
    assert (record.list_name, record.query, record.rows, record.streamed) == (
        "residents",
        "code=red",
        1,
        True,
    )
    assert record.by == world["users"]["street_supervisor"]


def test_csv_has_a_bom_and_neutralises_formulas(client, world):
    ResidentFactory(grid=world["nodes"]["grid_a"], name="=HYPERLINK(1)")
    client.force_login(world["users"]["grid_worker"])
    rows = csv_rows(export(client, "residents", format="csv"))
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]


def test_export_holds_the_rows_of_the_page_and_no_more(client, world):
    """The same filter as the page: a name search finds the same residents."""
    nodes = world["nodes"]
    for name in ("张三", "张四", "李五"):
        ResidentFactory(grid=nodes["grid_a"], name=name)
    client.force_login(world["users"]["community_staff"])
    page = client.get(reverse("communities:resident-list"), {"q": "张"})
    shown = {r.name for r in page.context["page"]}
    rows = sheet(export(client, "residents", q="张"))
    assert {row[0] for row in rows[1:]} == shown == {"张三", "张四"}


def test_a_place_outside_the_users_is_a_404_and_stores_nothing(client, world):
    client.force_login(world["users"]["street_supervisor"])
    other = world["nodes"]["other_community"]
    assert export(client, "residents", node=str(other.pk)).status_code == 404
    assert export(client, "residents", node="x").status_code == 404
    assert not Export.objects.exists()


def test_a_list_the_role_may_not_open_is_refused(client, world):
    client.force_login(world["users"]["grid_worker"])
    assert export(client, "runs").status_code == 403
    assert export(client, "nothing-such").status_code == 404
    assert client.get(reverse("transfers:export", args=["residents"])).status_code == 405
    assert export(client, "residents", format="pdf").status_code == 400
    assert not Export.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = export(client, "residents")
    assert response.status_code == 302
    assert not Export.objects.exists()


def test_shop_phones_in_full_only_for_the_offices_that_keep_the_register(client, world):
    ShopFactory(grid=world["nodes"]["grid_a"], contact_phone="13912345678")
    client.force_login(world["users"]["street_supervisor"])
    phones = {row[7] for row in sheet(export(client, "shops"))[1:]}
    assert "13912345678" in phones
    client.force_login(world["users"]["grid_worker"])
    phones = {row[7] for row in sheet(export(client, "shops"))[1:]}
    assert "13912345678" not in phones and "139****5678" in phones


# Every registered list, exported by a role that opens its page: a heading row and the
# rows the page shows (one object of each kind in grid_a).
WHO = {
    "residents": "street_supervisor",
    "arrivals": "grid_worker",
    "tests": "grid_worker",
    "measures": "grid_worker",
    "anomalies": "community_staff",
    "tasks": "grid_worker",
    "appeals": "community_staff",
    "proposals": "district_office",
    "reviews": "district_office",
    "runs": "city_office",
    "code-events": "grid_worker",
    "notices": "grid_worker",
    "shops": "street_supervisor",
    "inspections": "street_supervisor",
    "figures": "street_supervisor",
    "workload": "street_supervisor",
    "vaccination": "grid_worker",
    "boosters-due": "grid_worker",
    "hotels": "district_office",
    "placements": "district_office",
    "hotel-staff": "district_office",
}


def test_every_list_is_registered_and_covered_here():
    assert set(registry.LISTS) == set(WHO)


@pytest.mark.parametrize("name", sorted(WHO))
def test_every_list_exports_in_both_formats(client, world, name):
    resident = world["residents"]["grid_a"]
    today = timezone.localdate()
    NucleicAcidTest.objects.create(resident=resident, kind="landing", due=today)
    Anomaly.objects.create(resident=resident, kind="fever", detail="37.8℃")
    GridTask.objects.create(
        kind=GridTask.Kind.FIND_PERSON,
        community=world["nodes"]["community"],
        resident=resident,
        subject_name="找人",
        due_at=timezone.now() + timedelta(hours=24),
    )
    client.force_login(world["users"][WHO[name]])
    rows = sheet(export(client, name))
    assert rows and all(isinstance(heading, str) and heading for heading in rows[0])
    assert not any(heading.isascii() for heading in rows[0]), rows[0]  # Chinese headings
    assert csv_rows(export(client, name, format="csv"))[0] == list(rows[0])


def test_streaming_reads_a_chunk_at_a_time_not_a_row_at_a_time(
    client, world, django_assert_max_num_queries
):
    """The residents' measures and tests are read for a chunk, never per row."""
    for _ in range(30):
        ResidentFactory(grid=world["nodes"]["grid_a"])
    client.force_login(world["users"]["grid_worker"])
    with django_assert_max_num_queries(12):
        rows = sheet(export(client, "residents"))
    assert len(rows) == 32


# --- A large export: a job, its progress, 我的导出 ------------------------------------------------


@pytest.fixture
def small_limit(settings):
    settings.EXPORT_STREAM_ROWS = 2


def large_export(client, world, *, run=True, **params) -> Export:
    """grid_a's worker exports their 4 residents (more than the 2 that stream): the job's
    record, after the job ran if `run`."""
    for _ in range(3):
        ResidentFactory(grid=world["nodes"]["grid_a"])
    client.force_login(world["users"]["grid_worker"])
    export(client, "residents", **params)
    record = Export.objects.get()
    if run:
        jobs.export_run(export_id=record.pk)
        record.refresh_from_db()
    return record


def test_a_large_export_becomes_a_job_under_my_exports(
    client, world, small_limit, django_capture_on_commit_callbacks
):
    for _ in range(3):
        ResidentFactory(grid=world["nodes"]["grid_a"])
    user = world["users"]["grid_worker"]
    client.force_login(user)
    with django_capture_on_commit_callbacks() as queued:
        response = export(client, "residents", format="csv")
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:export-list")
    assert len(queued) == 1
    record = Export.objects.get()
    assert (record.state, record.streamed) == (Export.State.QUEUED, False)

    page = client.get(reverse("transfers:export-list"))
    assert 'data-testid="export-progress"' in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()

    assert jobs.export_run(export_id=record.pk) is True
    assert jobs.export_run(export_id=record.pk) is False  # claimed: a second run does nothing
    record.refresh_from_db()
    assert (record.state, record.rows, record.total) == (Export.State.DONE, 4, 4)
    assert record.expires_at - record.finished_at == timedelta(days=7)
    notice = Notice.objects.get(recipient=user, kind=Notice.Kind.EXPORT_READY)
    assert "4" in notice.text and "我的导出" in notice.text

    download = client.get(reverse("transfers:export-download", args=[record.pk]))
    text = b"".join(download.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff姓名,")
    assert len(list(csv.reader(io.StringIO(text[1:])))) == 5
    assert "attachment" in download["Content-Disposition"]


def test_a_large_excel_export_is_a_workbook(client, world, small_limit):
    record = large_export(client, world)
    download = client.get(reverse("transfers:export-download", args=[record.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.active.max_row == 5


def test_nobody_else_downloads_an_export(client, world, small_limit):
    record = large_export(client, world)
    for other in ("community_staff", "city_office", "outsider_grid_worker"):
        client.force_login(world["users"][other])
        url = reverse("transfers:export-download", args=[record.pk])
        assert client.get(url).status_code == 404
        assert not client.get(reverse("transfers:export-list")).context["page"].object_list


def test_the_job_stores_nothing_when_the_place_is_no_longer_the_users(client, world, small_limit):
    record = large_export(client, world, run=False, node=str(world["nodes"]["grid_a"].pk))
    world["users"]["grid_worker"].grids.set([world["nodes"]["grid_b"]])  # moved before the job
    jobs.export_run(export_id=record.pk)
    record.refresh_from_db()
    assert record.state == Export.State.FAILED and record.file == ""
    assert "不在您的管辖范围" in record.error
    assert not Notice.objects.filter(kind=Notice.Kind.EXPORT_READY).exists()


def test_files_are_deleted_after_seven_days_and_the_record_stays(
    client, world, small_limit, settings
):
    record = large_export(client, world)
    path = Path(settings.MEDIA_ROOT) / record.file
    assert path.is_file()

    assert jobs.exports_expire(now=timezone.now() + timedelta(days=6)) == 0
    assert path.is_file()
    assert jobs.exports_expire(now=timezone.now() + timedelta(days=7, minutes=1)) == 1
    assert not path.exists()
    record.refresh_from_db()
    assert (record.state, record.file, record.rows) == (Export.State.EXPIRED, "", 4)
    url = reverse("transfers:export-download", args=[record.pk])
    assert client.get(url).status_code == 404
    assert jobs.exports_expire(now=timezone.now() + timedelta(days=8)) == 0  # once


def test_a_job_whose_worker_died_is_given_up(world, settings):
    record = Export.objects.create(
        by=world["users"]["grid_worker"],
        list_name="residents",
        title="居民",
        format="csv",
        state=Export.State.RUNNING,
    )
    Export.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(hours=2))
    jobs.exports_expire()
    record.refresh_from_db()
    assert record.state == Export.State.FAILED
