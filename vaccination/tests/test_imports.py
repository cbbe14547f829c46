"""Doses in bulk through the one import path: every problem of every row reported and
nothing stored; a clean file stores every dose and the statuses follow."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from transfers.models import Import
from vaccination.models import Dose, Status, VaccinationState

from .conftest import born, person

HEADER = "身份证号,姓名,接种日期,疫苗,批号,接种单位,剂次,加强针"


@pytest.fixture
def signed_in(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world["users"]["grid_worker"])
    return client


def upload(client, lines, encoding="utf-8-sig", name="doses.csv"):
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return client.post(
        reverse("imports:start", args=["doses"]),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_a_file_with_bad_rows_stores_nothing_and_a_clean_one_stores_every_dose(signed_in, world):
    grid = world["nodes"]["grid_a"]
    one, two = person(grid, born(40)), person(grid, born(30))
    outsider = world["residents"]["other_grid"]
    good = [
        HEADER,
        f"{one.id_number},{one.name},2022-01-10,bbibp,202201A015,小店区人民医院接种点,1,否",
        f"{one.id_number},{one.name},2022/02/10,新冠病毒灭活疫苗（Vero细胞）·北京生物,202201A016,小店区人民医院接种点,2,",
        f"{two.id_number},{two.name},20220301,ad5,202201B001,坞城街道社区卫生服务中心,1,否",
    ]
    bad = [
        *good,
        f"{outsider.id_number},外人,2022-01-10,bbibp,L1,S,1,否",
        f"{one.id_number},{one.name},2099-01-01,bbibp,L1,S,3,是",
        f"{two.id_number},{two.name},2022-03-01,ad5,L2,S,2,否",
        f"{two.id_number},{two.name},2022-04-01,不存在,L2,S,0,也许",
        "123,无效,昨天,bbibp,,S,1,否",
    ]
    page = upload(signed_in, bad, encoding="gbk")
    record = page.context["record"]
    assert record.state == Import.State.REFUSED
    problems = {(p[0], p[1]) for p in record.problems}
    assert (5, "身份证号") in problems  # not the user's resident
    assert (6, "接种日期") in problems  # in the future
    assert (7, "") in problems  # the same person and day as row 4
    assert {(8, "疫苗"), (8, "剂次"), (8, "加强针")} <= problems
    assert {(9, "身份证号"), (9, "接种日期"), (9, "批号")} <= problems
    assert not Dose.objects.exists()

    page = upload(signed_in, good)
    record = page.context["record"]
    assert (record.state, record.problem_count) == (Import.State.READY, 0)
    assert not Dose.objects.exists()  # a dry run
    signed_in.post(reverse("imports:store", args=[record.pk]), follow=True)
    record.refresh_from_db()
    assert (record.state, record.stored_rows) == (Import.State.STORED, 3)
    assert VaccinationState.objects.get(resident=one).status == Status.FULL
    assert VaccinationState.objects.get(resident=two).status == Status.FULL
    # the same file again: each dose is already recorded
    again = upload(signed_in, good).context["record"]
    assert again.problem_count == 3


def test_an_xlsx_with_date_cells_is_read(signed_in, world):
    from datetime import date

    resident = person(world["nodes"]["grid_a"], born(40))
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(
        [resident.id_number, resident.name, date(2022, 1, 10), "bbibp", "L1", "S", 1, "否"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    page = signed_in.post(
        reverse("imports:start", args=["doses"]),
        {"file": SimpleUploadedFile("doses.xlsx", buffer.getvalue())},
        follow=True,
    )
    assert page.context["record"].problem_count == 0


def test_an_inspector_may_not_import_doses(client, world):
    client.force_login(world["users"]["inspector"])
    assert client.get(reverse("imports:start", args=["doses"])).status_code == 403
