"""Vaccination's pages: the booster list and the residents by status for the roles that
work with residents, each with an outsider; a dose recorded on a resident's page (bad
input: a message in Chinese and nothing stored); the city office's policy and products;
the list pages' query counts pinned."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from vaccination.models import BoosterPolicy, Dose, Product, Status, VaccinationState

from .conftest import born, full_course, give, person


@pytest.fixture
def people(world):
    grid_a, other = world["nodes"]["grid_a"], world["nodes"]["other_grid"]
    mine = person(grid_a, born(40), name="甲加强")
    full_course(mine, days_ago=300)
    theirs = person(other, born(40), name="外加强")
    full_course(theirs, days_ago=300)
    return {"mine": mine, "theirs": theirs}


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_grid_workers_booster_list_holds_their_residents_due(client, world, people):
    page = signed_in(client, world["users"]["grid_worker"]).get(reverse("vaccination:due-list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "甲加强" in html and "外加强" not in html
    assert people["mine"].id_number not in html  # masked
    assert people["mine"].phone not in html


def test_an_outsider_sees_only_their_own(client, world, people):
    page = signed_in(client, world["users"]["outsider_grid_worker"]).get(
        reverse("vaccination:due-list")
    )
    assert "外加强" in page.content.decode() and "甲加强" not in page.content.decode()
    node = world["nodes"]["grid_a"].pk
    assert client.get(reverse("vaccination:due-list") + f"?node={node}").status_code == 404
    assert client.get(reverse("vaccination:resident-list") + f"?node={node}").status_code == 404


def test_the_inspector_may_not_open_the_lists(client, world):
    signed_in(client, world["users"]["inspector"])
    assert client.get(reverse("vaccination:due-list")).status_code == 403
    assert client.get(reverse("vaccination:resident-list")).status_code == 403


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", {"甲加强", "一针", "未接种"}),
        ("?status=not_vaccinated", {"未接种"}),
        ("?status=incomplete", {"一针"}),
        ("?status=completed", {"甲加强"}),
        ("?status=booster", set()),
        ("?band=60_79", set()),
        ("?band=18_59", {"甲加强", "一针", "未接种"}),
    ],
)
def test_the_residents_by_status_and_band(client, world, people, query, names):
    grid = world["nodes"]["grid_a"]
    give(person(grid, born(30), name="一针"), days_ago=20)
    person(grid, born(30), name="未接种")
    world["residents"]["grid_a"].delete()  # the world's own resident, for a clear list
    page = signed_in(client, world["users"]["grid_worker"]).get(
        reverse("vaccination:resident-list") + query
    )
    assert {r.name for r in page.context["page"]} == names


def test_a_band_that_does_not_exist_is_a_404(client, world):
    signed_in(client, world["users"]["grid_worker"])
    assert client.get(reverse("vaccination:resident-list") + "?band=x").status_code == 404


def test_the_list_pages_query_counts_do_not_grow_with_the_rows(
    client, world, django_assert_max_num_queries
):
    grid = world["nodes"]["grid_a"]
    for index in range(12):
        full_course(person(grid, born(40), name=f"居民{index}"), days_ago=300)
    signed_in(client, world["users"]["grid_worker"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("vaccination:due-list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("vaccination:resident-list")).status_code == 200


def post_dose(client, resident, **changes):
    data = {
        "day": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "product": Product.objects.get(code="bbibp").pk,
        "lot": "202201A015",
        "site": "小店区人民医院接种点",
        "number": "1",
        **changes,
    }
    return client.post(reverse("vaccination:dose-record", args=[resident.pk]), data)


def test_a_grid_worker_records_a_dose_on_the_residents_page(client, world):
    resident = world["residents"]["grid_a"]
    signed_in(client, world["users"]["grid_worker"])
    detail = client.get(reverse("communities:resident-detail", args=[resident.pk]))
    assert 'data-testid="record-dose"' in detail.content.decode()
    response = post_dose(client, resident)
    assert response.status_code == 302
    assert VaccinationState.objects.get(resident=resident).status == Status.INCOMPLETE
    detail = client.get(reverse("communities:resident-detail", args=[resident.pk]))
    assert 'data-testid="doses"' in detail.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": "2099-01-01"}, "接种日期在未来"),
        ({"day": "1970-01-01"}, "早于本人出生"),
        ({"day": "不是日期"}, "日期"),
        ({"number": "0"}, "1"),
        ({"lot": ""}, "必填"),
        ({"product": "999999"}, "疫苗产品"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_stores_nothing(client, world, changes, message):
    resident = world["residents"]["grid_a"]
    signed_in(client, world["users"]["grid_worker"])
    response = post_dose(client, resident, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Dose.objects.exists()


def test_an_outsider_cannot_record_a_dose_for_another_grid(client, world):
    signed_in(client, world["users"]["outsider_grid_worker"])
    assert post_dose(client, world["residents"]["grid_a"]).status_code == 404
    assert not Dose.objects.exists()


def test_the_street_supervisor_sees_but_does_not_record(client, world):
    resident = world["residents"]["grid_a"]
    signed_in(client, world["users"]["street_supervisor"])
    detail = client.get(reverse("communities:resident-detail", args=[resident.pk]))
    assert 'id="vaccination"' in detail.content.decode()
    assert 'data-testid="record-dose"' not in detail.content.decode()
    assert post_dose(client, resident).status_code == 403


def test_the_city_office_sets_the_policy_and_edits_a_product(client, world):
    signed_in(client, world["users"]["city_office"])
    assert client.get(reverse("vaccination:policy")).status_code == 200
    response = client.post(
        reverse("vaccination:policy"),
        {
            "effective": timezone.localdate().isoformat(),
            "booster_age": "18",
            "booster_after_days": "90",
        },
    )
    assert response.status_code == 302
    assert BoosterPolicy.objects.get().booster_after_days == 90
    bad = client.post(
        reverse("vaccination:policy"),
        {"effective": "2000-01-01", "booster_age": "200", "booster_after_days": "0"},
    )
    assert bad.status_code == 200 and BoosterPolicy.objects.count() == 1
    product = Product.objects.get(code="ad5")
    response = client.post(
        reverse("vaccination:product-edit", args=[product.pk]),
        {
            "code": "ad5",
            "name": product.name,
            "platform": product.platform,
            "primary_doses": "2",
            "manufacturer": product.manufacturer,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Product.objects.get(code="ad5").primary_doses == 2


@pytest.mark.parametrize("role", ["grid_worker", "district_office", "street_supervisor"])
def test_only_the_city_office_sets_the_policy(client, world, role):
    signed_in(client, world["users"][role])
    assert client.get(reverse("vaccination:policy")).status_code == 403
    product = Product.objects.get(code="ad5")
    assert client.get(reverse("vaccination:product-edit", args=[product.pk])).status_code == 403


def test_the_exports_mask_id_numbers_and_phones(client, world, people):
    signed_in(client, world["users"]["grid_worker"])
    for name in ("boosters-due", "vaccination"):
        response = client.post(reverse("transfers:export", args=[name]), {"format": "xlsx"})
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [str(c) for row in book.active.values for c in row]
        assert people["mine"].id_number not in cells and people["mine"].phone not in cells
        assert any("*" in c for c in cells)
