"""The one import path (导入): upload → dry run with its report → confirm → all rows or
none; every kind of file, every format (CSV in UTF-8 or GBK, .xlsx, .xls), the records and
who sees them."""

import io
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communities.models import Anomaly, GridTask, NucleicAcidTest, Resident, User
from communities.tests.conftest import world_build
from communities.tests.factories import ResidentFactory, valid_id_number
from dashboards.models import NodeDay
from transfers import checking, registry
from transfers.models import Import, ImportView

Role = User.Role
TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)
FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "身份证号,采样时间,检测结果"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world_build()


@pytest.fixture
def worker(client, world):
    client.force_login(world["users"]["grid_worker"])
    return world["users"]["grid_worker"]


def pending(resident, *, due=TODAY):
    return NucleicAcidTest.objects.create(resident=resident, kind="landing", due=due)


def csv_file(lines: list[str], *, encoding="utf-8-sig", name="results.csv"):
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding))


def xlsx_file(rows: list[list], name="results.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file, kind="test-results"):
    """Upload a file: the dry run's page (or the form again with its error)."""
    return client.post(reverse("imports:start", args=[kind]), {"file": file}, follow=True)


def store(client, record: Import):
    return client.post(reverse("imports:store", args=[record.pk]), follow=True)


def sample_of(day=YESTERDAY, hour=9) -> str:
    return f"{day:%Y-%m-%d} {hour:02d}:30"


# --- Test results: the issue's "done when" -------------------------------------------------


def test_a_gbk_file_with_one_bad_row_stores_nothing_and_corrected_stores_every_row(
    client, world, worker
):
    residents = [world["residents"]["grid_a"]] + [
        ResidentFactory(grid=world["nodes"]["grid_a"]) for _ in range(2)
    ]
    tests = [pending(r) for r in residents]
    lines = [HEADER] + [f"{r.id_number},{sample_of()},阴性" for r in residents]
    bad = [*lines[:3], f"{residents[2].id_number},{sample_of()},待定"]

    page = upload(client, csv_file(bad, encoding="gbk"))
    record = page.context["record"]
    assert (record.state, record.rows, record.problem_count) == ("refused", 3, 1)
    assert record.problems == [[4, "检测结果", "待定", "结果既不是阴性也不是阳性。"]]
    html = page.content.decode()
    assert (
        'data-testid="problem"' in html
        and "待定" in html
        and 'data-testid="import-store"' not in html
    )
    assert store(client, record).status_code == 200  # not waiting: nothing happens
    assert not NucleicAcidTest.objects.exclude(result="pending").exists()

    report = client.get(reverse("imports:report", args=[record.pk]))
    sheet = list(openpyxl.load_workbook(io.BytesIO(report.content)).active.values)
    assert sheet[0] == ("身份证号", "采样时间", "检测结果", "问题")
    assert sheet[3][3] == "检测结果「待定」：结果既不是阴性也不是阳性。"
    assert sheet[1][3] is None

    page = upload(client, csv_file(lines, encoding="gbk"))
    record = page.context["record"]
    assert (record.state, record.problem_count) == ("ready", 0)
    assert not NucleicAcidTest.objects.exclude(result="pending").exists()  # a dry run
    page = store(client, record)
    record.refresh_from_db()
    assert (record.state, record.stored_rows) == ("stored", 3)
    assert 'data-testid="import-stored"' in page.content.decode()
    assert {t.result for t in NucleicAcidTest.objects.filter(pk__in=[t.pk for t in tests])} == {
        "negative"
    }
    assert store(client, record).status_code == 200  # twice: nothing more
    assert NucleicAcidTest.objects.exclude(result="pending").count() == 3


def test_every_problem_of_every_row_is_reported_and_nothing_stored(client, world, worker):
    mine = world["residents"]["grid_a"]
    no_test = ResidentFactory(grid=world["nodes"]["grid_a"])
    neighbour = world["residents"]["grid_b"]  # the worker serves grid_a only
    outsider = world["residents"]["other_grid"]
    for resident in (mine, neighbour, outsider):
        pending(resident)
    page = upload(
        client,
        csv_file(
            [
                "id_number,sampled_at,result",  # the keys are read too
                f"{mine.id_number},{sample_of()},negative",
                "110105194912310021,2022-03-28 09:30,negative",  # bad check digit
                f"{neighbour.id_number},{sample_of()},negative",
                f"{outsider.id_number},{sample_of()},negative",
                f"{no_test.id_number},{sample_of()},negative",
                f"{valid_id_number()},{sample_of()},negative",  # nobody
                f"{mine.id_number},28/03/2022,maybe",  # two problems in one row
                f"{mine.id_number},{sample_of()},阴性",  # the first row again
                f"{mine.id_number},{TODAY + timedelta(days=2)} 09:00,阴性",  # the future
                ",,",  # blank: skipped
            ]
        ),
    )
    record = page.context["record"]
    assert record.state == "refused"
    by_row = {}
    for row, column, _value, message in record.problems:
        by_row.setdefault(row, []).append((column, message))
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert by_row[4] == by_row[5] == by_row[7]  # not yours and nobody read the same
    assert [column for column, _m in by_row[8]] == ["采样时间", "检测结果"]
    assert by_row[9] == [("", "与第2行重复。")]
    assert by_row[10][0][0] == "采样时间"
    assert not NucleicAcidTest.objects.exclude(result="pending").exists()
    assert not Anomaly.objects.exists()


def test_a_sample_fills_the_latest_test_due_by_its_day_else_the_earliest(client, world, worker):
    mine = world["residents"]["grid_a"]
    due = {n: pending(mine, due=TODAY - timedelta(days=n)) for n in (1, 3, 5)}
    lines = [HEADER, f"{mine.id_number},{sample_of(TODAY - timedelta(days=2))},阴性"]
    store(client, upload(client, csv_file(lines)).context["record"])
    due[3].refresh_from_db()
    assert due[3].result == "negative"
    # two samples of one person in one file take two tests
    lines = [
        HEADER,
        f"{mine.id_number},{sample_of(YESTERDAY, 8)},阴性",
        f"{mine.id_number},{sample_of(YESTERDAY, 16)},阴性",
    ]
    record = upload(client, csv_file(lines)).context["record"]
    assert record.state == "ready"
    store(client, record)
    assert not NucleicAcidTest.objects.filter(result="pending").exists()
    # and a third finds none left
    lines = [HEADER, f"{mine.id_number},{sample_of(TODAY, 0)},阴性"]
    record = upload(client, csv_file(lines)).context["record"]
    assert record.problems[0][3] == "此人没有待出结果的核酸检测。"


def test_the_same_file_twice_fills_no_second_test(client, world, worker):
    mine = world["residents"]["grid_a"]
    first, second = pending(mine, due=YESTERDAY), pending(mine, due=TODAY + timedelta(days=1))
    lines = [HEADER, f"{mine.id_number},{sample_of()},阴性"]
    store(client, upload(client, csv_file(lines)).context["record"])
    record = upload(client, csv_file(lines)).context["record"]
    assert record.state == "refused" and "已录入" in record.problems[0][3]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, second.result) == ("negative", "pending")


def test_the_store_checks_again_and_stores_none_when_a_row_went_bad(client, world, worker):
    mine = world["residents"]["grid_a"]
    other = ResidentFactory(grid=world["nodes"]["grid_a"])
    pending(mine)
    recorded_meanwhile = pending(other)
    lines = [
        HEADER,
        f"{mine.id_number},{sample_of()},阳性",
        f"{other.id_number},{sample_of()},阴性",
    ]
    record = upload(client, csv_file(lines)).context["record"]
    assert record.state == "ready"
    NucleicAcidTest.objects.filter(pk=recorded_meanwhile.pk).update(
        result="negative", sampled_at=timezone.now()
    )
    store(client, record)
    record.refresh_from_db()
    assert record.state == "refused" and record.problems[0][0] == 3
    assert not Anomaly.objects.exists()  # the positive of row 2 was not stored either
    mine.refresh_from_db()
    assert mine.code == "green"


def test_a_failure_while_storing_undoes_every_row(client, world, worker, monkeypatch):
    residents = [ResidentFactory(grid=world["nodes"]["grid_a"]) for _ in range(2)]
    for resident in residents:
        pending(resident)
    lines = [HEADER] + [f"{r.id_number},{sample_of()},阳性" for r in residents]
    record = upload(client, csv_file(lines)).context["record"]
    real = registry.IMPORTS["test-results"].store

    def store_then_fail(user, plan):
        real(user, plan)
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(
        registry.IMPORTS,
        "test-results",
        registry.ImportKind(
            **{**registry.IMPORTS["test-results"].__dict__, "store": store_then_fail}
        ),
    )
    with pytest.raises(RuntimeError):
        store(client, record)
    record.refresh_from_db()
    assert record.state == "failed" and "没有保存" in record.error
    assert not NucleicAcidTest.objects.exclude(result="pending").exists()
    assert not Anomaly.objects.exists()


# --- Formats ---------------------------------------------------------------------------------


def test_xlsx_with_date_cells_in_any_column_order(client, world, worker):
    mine = world["residents"]["grid_a"]
    test = pending(mine)
    rows = [
        ["检测结果", "身份证号码 ", "采样时间", "备注"],  # any order; an extra column ignored
        ["阴性", mine.id_number, datetime.combine(YESTERDAY, time(8, 15)), "早班"],
    ]
    store(client, upload(client, xlsx_file(rows)).context["record"])
    test.refresh_from_db()
    assert test.result == "negative"
    assert timezone.localtime(test.sampled_at).time() == time(8, 15)


def test_an_excel_97_xls_is_converted(client, world, worker):
    resident = ResidentFactory(grid=world["nodes"]["grid_a"], id_number="140105198503020092")
    test = pending(resident, due=datetime(2022, 4, 1).date())
    data = (FIXTURES / "results.xls").read_bytes()
    record = upload(client, SimpleUploadedFile("结果.xls", data)).context["record"]
    assert (record.state, record.file_name) == ("ready", "结果.xls")
    store(client, record)
    test.refresh_from_db()
    assert test.result == "negative"
    assert timezone.localtime(test.sampled_at) == timezone.make_aware(datetime(2022, 4, 1, 9, 30))


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            SimpleUploadedFile("results.pdf", b"%PDF-1.4"),
            "请选择 CSV、Excel .xlsx 或 Excel 97-2003 .xls 文件。",
        ),
        (SimpleUploadedFile("results.xlsx", b"id_number\n"), "该文件不是 Excel .xlsx 工作簿。"),
        (
            SimpleUploadedFile("results.xls", b"id_number\n"),
            "该文件不是 Excel 97-2003 .xls 工作簿。",
        ),
        (SimpleUploadedFile("results.csv", b"\xff\xfe\x00\x00binary\x00"), "也不是 GBK"),
        (SimpleUploadedFile("results.csv", b"\x00\x01\x02 binary"), "该文件不是 CSV 文本文件。"),
        (csv_file(["身份证号,时间,检测结果", "x,y,z"]), "缺少：采样时间"),
        (csv_file([HEADER]), "文件在表头下没有数据行。"),
    ],
    ids=["pdf", "fake-xlsx", "fake-xls", "binary-csv", "nul-csv", "missing-column", "empty"],
)
def test_a_file_that_is_no_table_of_the_kind_is_refused_before_anything(
    client, world, worker, file, message
):
    page = upload(client, file)
    assert "record" not in page.context
    assert message in page.content.decode()
    assert not Import.objects.exists()


def test_too_many_rows_or_bytes_are_refused(client, world, worker, settings):
    settings.IMPORT_MAX_ROWS = 3
    lines = [HEADER] + [f"{valid_id_number()},{sample_of()},阴性" for _ in range(4)]
    assert "超过 3 行" in upload(client, csv_file(lines)).content.decode()
    settings.IMPORT_MAX_BYTES = 100
    assert "大于" in upload(client, csv_file(lines[:3])).content.decode()
    assert not Import.objects.exists()


# --- Residents ----------------------------------------------------------------------------


RESIDENT_HEADER = "姓名,身份证号,手机号,社区,网格,住址"


def test_residents_import_checks_places_duplicates_and_stores_all_or_none(client, world):
    client.force_login(world["users"]["community_staff"])
    known = world["residents"]["grid_a"]
    new = [valid_id_number() for _ in range(3)]
    rows = [
        RESIDENT_HEADER,
        f"张三,{new[0]},13912345678,通达街社区,第1网格,通达街1号",
        f"李四,{new[1]},13912345679,通达街社区,第2网格,",
        f"王五,{new[0]},13912345670,通达街社区,第1网格,",  # the same ID number again
        f"赵六,{known.id_number},13912345671,通达街社区,第1网格,",  # registered already
        f"钱七,{new[2]},1391234,尖草坪社区,第1网格,",  # bad phone, a grid of elsewhere
        f"孙八,{valid_id_number()},13912345672,通达街社区,第9网格,",  # no such grid
    ]
    record = upload(client, csv_file(rows, name="居民.csv"), kind="residents").context["record"]
    found = {(row, column): message for row, column, _v, message in record.problems}
    assert found[(4, "")] == "与第2行重复。"
    assert "已登记" in found[(5, "身份证号")]
    assert (
        "手机号" in " ".join(m for (r, c), m in found.items() if r == 6 and c == "手机号")
        or (
            6,
            "手机号",
        )
        in found
    )
    assert found[(6, "网格")] == "尖草坪社区的第1网格不在您的管辖范围内。"
    assert found[(7, "网格")] == "通达街社区没有第9网格。"
    assert Resident.objects.count() == 3

    good = [rows[0], rows[1], rows[2]]
    record = upload(client, csv_file(good, name="居民.csv"), kind="residents").context["record"]
    assert record.state == "ready"
    store(client, record)
    added = Resident.objects.get(id_number=new[0])
    assert (added.name, added.grid, added.code, added.address) == (
        "张三",
        world["nodes"]["grid_a"],
        "green",
        "通达街1号",
    )
    assert Resident.objects.count() == 5


def test_new_residents_are_counted_in_todays_figures_up_the_tree(client, world):
    from dashboards import summary

    summary.refresh()
    before = NodeDay.objects.get(node=world["nodes"]["street"], day=TODAY).residents
    client.force_login(world["users"]["community_staff"])
    rows = [RESIDENT_HEADER, f"张三,{valid_id_number()},13912345678,通达街社区,第1网格,"]
    store(client, upload(client, csv_file(rows), kind="residents").context["record"])
    assert NodeDay.objects.get(node=world["nodes"]["street"], day=TODAY).residents == before + 1


def test_a_grid_worker_registers_only_in_their_grids(client, world, worker):
    rows = [RESIDENT_HEADER, f"张三,{valid_id_number()},13912345678,通达街社区,第2网格,"]
    record = upload(client, csv_file(rows), kind="residents").context["record"]
    assert record.problems[0][1:] == [
        "网格",
        "通达街社区/第2网格",
        "通达街社区的第2网格不在您的管辖范围内。",
    ]


# --- Pushes ---------------------------------------------------------------------------------


def test_a_push_file_makes_tasks_or_none(client, world):
    client.force_login(world["users"]["district_office"])
    known = world["residents"]["grid_a"]
    rows = ["推送原因,身份证号,手机号,姓名,社区", f"时空伴随,{known.id_number},,,"]
    bad = [*rows, "时空伴随,,,无名,"]  # neither ID number nor phone
    record = upload(client, csv_file(bad), kind="pushes").context["record"]
    assert record.state == "refused" and record.problems[0][0] == 3
    assert not GridTask.objects.exists()
    record = upload(client, csv_file(rows), kind="pushes").context["record"]
    store(client, record)
    assert GridTask.objects.get().resident == known
    known.refresh_from_db()
    assert (known.code, known.code_rule) == ("yellow", "R7")


def test_grid_workers_do_not_push(client, world, worker):
    assert client.get(reverse("imports:start", args=["pushes"])).status_code == 403
    assert client.get(reverse("imports:template", args=["pushes"])).status_code == 403
    assert client.get(reverse("imports:start", args=["nothing"])).status_code == 404


# --- Large files: jobs -----------------------------------------------------------------------


def test_a_large_file_is_checked_and_stored_by_jobs(
    client, world, worker, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 1
    residents = [world["residents"]["grid_a"], ResidentFactory(grid=world["nodes"]["grid_a"])]
    for resident in residents:
        pending(resident)
    lines = [HEADER] + [f"{r.id_number},{sample_of()},阴性" for r in residents]
    with django_capture_on_commit_callbacks() as queued:
        page = upload(client, csv_file(lines))
    record = page.context["record"]
    assert record.state == "checking" and len(queued) == 1
    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert checking.import_check(import_id=record.pk) is True
    assert checking.import_check(import_id=record.pk) is False  # once
    record.refresh_from_db()
    with django_capture_on_commit_callbacks() as queued:
        store(client, record)
    record.refresh_from_db()
    assert record.state == "storing" and len(queued) == 1
    assert checking.import_store(import_id=record.pk) is True
    assert checking.import_store(import_id=record.pk) is False  # once
    record.refresh_from_db()
    assert (record.state, record.stored_rows) == ("stored", 2)


# --- Who sees what ----------------------------------------------------------------------------


def test_an_import_is_seen_by_its_author_and_the_levels_above_only(client, world, worker):
    pending(world["residents"]["grid_a"])
    lines = [HEADER, f"{world['residents']['grid_a'].id_number},{sample_of()},阴性"]
    record = upload(client, csv_file(lines, name="周一.csv")).context["record"]
    urls = [
        reverse("imports:detail", args=[record.pk]),
        reverse("imports:file", args=[record.pk]),
        reverse("imports:report", args=[record.pk]),
    ]
    # the levels above that see residents' data in full read it, each view recorded
    for role in ("community_staff", "district_office", "city_office"):
        client.force_login(world["users"][role])
        assert all(client.get(url).status_code == 200 for url in urls), role
        assert record in client.get(reverse("imports:list")).context["page"].object_list
        # the level above reads it but does not store it for the author
        assert client.post(reverse("imports:store", args=[record.pk])).status_code == 403
        seen = ImportView.objects.filter(record=record, user=world["users"][role])
        assert sorted(seen.values_list("what", flat=True)) == ["file", "page", "report"]
    original = client.get(urls[1])
    assert b"".join(original.streaming_content).decode("utf-8-sig").startswith(HEADER)
    # the street supervisor sees ID numbers masked everywhere: not the file either
    for role in ("street_supervisor", "outsider_grid_worker", "outsider_supervisor", "inspector"):
        client.force_login(world["users"][role])
        assert all(client.get(url).status_code == 404 for url in urls), role
        assert client.post(reverse("imports:store", args=[record.pk])).status_code == 404
        assert not client.get(reverse("imports:list")).context["page"].object_list
    other = User.objects.create(
        username="worker_b", role=Role.GRID_WORKER, jurisdiction=world["nodes"]["community"]
    )
    client.force_login(other)  # a peer grid worker
    assert client.get(urls[0]).status_code == 404
    record.refresh_from_db()
    assert record.state == "ready"


def test_the_template_has_the_chinese_headings_and_an_example(client, world, worker):
    response = client.get(reverse("imports:template", args=["test-results"]))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("身份证号", "采样时间", "检测结果")
    assert len(rows) == 2


def test_every_kind_is_offered_only_to_the_roles_that_may_import_it(client, world):
    expected = {
        "grid_worker": {"residents", "test-results", "doses"},
        "community_staff": {"residents", "test-results", "doses"},
        "street_supervisor": {"residents", "test-results", "shops"},
        "district_office": {"residents", "test-results", "pushes", "doses", "hotel-rooms"},
        "city_office": {
            "residents",
            "test-results",
            "pushes",
            "announcement",
            "doses",
            "hotel-rooms",
        },
        "inspector": set(),
    }
    for role, kinds in expected.items():
        client.force_login(world["users"][role])
        page = client.get(reverse("imports:list"))
        offered = {kind.name for kind in page.context["kinds"]}
        assert offered == kinds, role
        for name in registry.IMPORTS:
            status = client.get(reverse("imports:start", args=[name])).status_code
            assert status == (200 if name in kinds else 403), (role, name)


# --- What the review found (issue 15): the check says what the store would say -------------------


def test_a_sample_before_the_day_before_its_test_is_a_problem_of_the_check(client, world, worker):
    mine = world["residents"]["grid_a"]
    pending(mine, due=TODAY + timedelta(days=3))
    lines = [HEADER, f"{mine.id_number},{sample_of(TODAY)},阴性"]
    record = upload(client, csv_file(lines)).context["record"]
    assert record.state == "refused"
    assert record.problems[0][1] == "采样时间" and "应检日前一天" in record.problems[0][3]


def test_a_resident_registered_between_the_check_and_the_store_refuses_the_file(client, world):
    client.force_login(world["users"]["community_staff"])
    late = valid_id_number()
    rows = [
        RESIDENT_HEADER,
        f"张三,{valid_id_number()},13912345678,通达街社区,第1网格,",
        f"李四,{late},13912345679,通达街社区,第1网格,",
    ]
    record = upload(client, csv_file(rows), kind="residents").context["record"]
    assert record.state == "ready"
    ResidentFactory(grid=world["nodes"]["grid_b"], id_number=late)  # meanwhile
    before = Resident.objects.count()
    page = store(client, record)
    assert page.status_code == 200
    record.refresh_from_db()
    assert record.state == "refused" and "已登记" in record.problems[0][3]
    assert Resident.objects.count() == before  # neither row


def test_an_unknown_person_without_a_community_is_a_problem_of_the_push_check(client, world):
    client.force_login(world["users"]["district_office"])
    rows = ["推送原因,身份证号,手机号,姓名,社区", f"时空伴随,{valid_id_number()},,,"]
    record = upload(client, csv_file(rows), kind="pushes").context["record"]
    assert record.state == "refused"
    assert record.problems[0][:2] == [2, "社区"]


def test_an_import_whose_job_died_is_given_up_at_night(world):
    from transfers import jobs

    stuck = Import.objects.create(
        by=world["users"]["grid_worker"],
        kind="test-results",
        title="核酸检测结果",
        file_name="r.csv",
        file="imports/r.csv",
        rows=9000,
        state=Import.State.STORING,
    )
    Import.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=2))
    jobs.exports_expire()
    stuck.refresh_from_db()
    assert stuck.state == "failed" and "没有保存" in stuck.error


def test_an_author_who_may_no_longer_import_the_kind_cannot_store(client, world, worker):
    pending(world["residents"]["grid_a"])
    lines = [HEADER, f"{world['residents']['grid_a'].id_number},{sample_of()},阴性"]
    record = upload(client, csv_file(lines)).context["record"]
    User.objects.filter(pk=worker.pk).update(role=User.Role.INSPECTOR)
    assert client.post(reverse("imports:store", args=[record.pk])).status_code in {403, 404}
    record.refresh_from_db()
    assert record.state == "ready"
