"""The street supervisor's pages: the register (list, import, export), campaigns, joint
groups and shares, and the progress board."""

import csv
import io
import json
from datetime import timedelta
from urllib.parse import urlencode

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from communities.models import User
from communities.tests.factories import JurisdictionFactory, UserFactory
from shops import services
from shops.forms_campaigns import HEADINGS
from shops.forms_campaigns import READ_ONLY_COLUMNS as READ_ONLY
from shops.models import Assignment, Campaign, JointGroup, Shop

from .conftest import START, first_share, inspect
from .factories import ShopFactory

Role = User.Role
HEADER = "name,address,community,grid,road,kind,licence_number,contact_phone,venue_code_posted\n"


TODAY = timezone.localdate()


def login(client, world, role):
    client.force_login(world["users"][role])


IMPORT = reverse_lazy("imports:start", args=["shops"])


def upload(client, text: str | bytes, name: str = "shops.csv", *, confirm=True):
    """The register through the import path (transfers): the dry run, then (when it found
    no problem and `confirm`) its storing; the page last shown."""
    data = text if isinstance(text, bytes) else text.encode("utf-8-sig")
    page = client.post(IMPORT, {"file": SimpleUploadedFile(name, data)}, follow=True)
    record = page.context.get("record") if page.context else None
    if confirm and record is not None and record.state == "ready":
        page = client.post(reverse("imports:store", args=[record.pk]), follow=True)
    return page


def stored(page) -> tuple[str, int]:
    record = page.context["record"]
    record.refresh_from_db()
    return record.state, record.stored_rows


def export_response(client, format="csv", **params):
    """The register's export button (transfers' export of the list "shops")."""
    query = f"?{urlencode(params)}" if params else ""
    url = reverse("transfers:export", args=["shops"]) + query
    return client.post(url, {"format": format})


def export(client, **params) -> list[list[str]]:
    response = export_response(client, **params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def visible_names(response) -> set[str]:
    return {shop.name for shop in response.context["page"]}


# --- The register ---------------------------------------------------------------------------


def test_supervisor_sees_the_streets_register(client, world):
    login(client, world, "street_supervisor")
    response = client.get(reverse("shops:shop-list"))
    assert response.status_code == 200
    shops = world["shops"]
    assert visible_names(response) == {shops["grid_a"].name, shops["grid_b"].name}
    html = response.content.decode()
    assert "139****5678" in html and "13912345678" not in html  # masked on the page
    assert reverse("sweep:shop-detail", args=[shops["grid_a"].pk]) in html
    assert str(IMPORT) in html


@pytest.mark.parametrize("role", ["outsider_supervisor", "outsider_grid_worker"])
def test_outsiders_see_none_of_the_streets_shops(client, world, role):
    login(client, world, role)
    response = client.get(reverse("shops:shop-list"))
    assert visible_names(response) == {world["shops"]["other_grid"].name}


def test_the_import_button_is_for_supervisors(client, world):
    login(client, world, "grid_worker")
    assert str(IMPORT) not in client.get(reverse("shops:shop-list")).content.decode()


def test_register_filters(client, world):
    nodes = world["nodes"]
    other = JurisdictionFactory(name="小店村社区", level="community", parent=nodes["street"])
    ShopFactory(
        grid=JurisdictionFactory(name="第1网格", level="grid", parent=other),
        name="红牌面馆",
        road="小店路",
        kind="restaurant",
        placard="red",
        state="closed",
    )
    ShopFactory(grid=nodes["grid_b"], name="平价超市", address="坞城路8号", kind="supermarket")
    login(client, world, "street_supervisor")
    url = reverse("shops:shop-list")
    assert visible_names(client.get(url, {"road": "小店路"})) == {"红牌面馆"}
    assert visible_names(client.get(url, {"kind": "restaurant", "placard": "red"})) == {"红牌面馆"}
    assert visible_names(client.get(url, {"state": "closed"})) == {"红牌面馆"}
    assert visible_names(client.get(url, {"q": "坞城路"})) == {"平价超市"}
    assert visible_names(client.get(url, {"community": other.pk})) == {"红牌面馆"}
    assert len(visible_names(client.get(url, {"community": nodes["community"].pk}))) == 3
    # an unknown value is ignored rather than failing
    assert len(visible_names(client.get(url, {"kind": "bank", "community": "x"}))) == 4


def test_register_htmx_returns_the_rows_only(client, world):
    login(client, world, "street_supervisor")
    response = client.get(reverse("shops:shop-list"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="rows"' in html and "<html" not in html
    assert html.count('data-testid="shop-row"') == 2


def test_register_query_count_is_pinned(client, world, django_assert_num_queries):
    nodes = world["nodes"]
    for i in range(60):
        ShopFactory(grid=nodes["grid_a" if i % 2 else "grid_b"], road=f"路{i % 3}")
    login(client, world, "street_supervisor")
    # session, user, the user's node (scope), roads, communities, count, the page of shops
    with django_assert_num_queries(7):
        response = client.get(reverse("shops:shop-list"))
    assert len(response.context["page"]) == 50
    with django_assert_num_queries(7):
        client.get(reverse("shops:shop-list"), {"page": 2, "road": "路1"})


# --- Import ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["grid_worker", "community_staff", "district_office", "inspector"])
def test_only_supervisors_import(client, world, role):
    login(client, world, role)
    assert client.get(IMPORT).status_code == 403
    assert upload(client, HEADER + "店,址,通达街社区,第1网格,,,,,\n").status_code == 403
    assert not Shop.objects.filter(name="店").exists()


def test_import_reports_every_bad_row_stores_none_and_a_second_import_updates(client, world):
    login(client, world, "street_supervisor")
    page = client.get(IMPORT).content.decode()
    assert "营业执照号" in page and "场所码已张贴" in page  # the expected columns
    good = HEADER + (
        "通达大药房,通达街1号,通达街社区,第1网格,通达街,pharmacy,914,13900000001,是\n"
        "小店面馆,小店路2号,通达街社区,2,小店路,restaurant,,,否\n"
    )
    bad = good + (
        "无名店,小店路3号,通达街社区,第9网格,小店路,,,,\n"
        "坏电话,小店路4号,通达街社区,第1网格,小店路,,,12345,\n"
    )
    response = upload(client, bad)
    record = response.context["record"]
    assert record.state == "refused"
    assert [row for row, *_rest in record.problems] == [4, 5]
    html = response.content.decode()
    assert html.count('data-testid="problem"') == 2 and "第9网格" in html
    assert not Shop.objects.filter(name__in=["通达大药房", "小店面馆", "无名店"]).exists()

    dry = upload(client, good, confirm=False)
    assert "2 家新商铺，更新 0 家。" in dry.content.decode()
    assert stored(upload(client, good)) == ("stored", 2)
    shop = Shop.objects.get(name="通达大药房")
    assert (shop.grid, shop.road, shop.venue_code_posted) == (
        world["nodes"]["grid_a"],
        "通达街",
        True,
    )

    again = upload(client, good.replace("914,13900000001,是", "914,13900000001,否"))
    assert stored(again) == ("stored", 2)
    assert "0 家新商铺，更新 2 家。" in upload(client, good, confirm=False).content.decode()
    assert Shop.objects.filter(name="通达大药房").count() == 1
    shop.refresh_from_db()
    assert shop.venue_code_posted is False


def test_import_takes_an_excel_workbook(client, world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "地址", "社区", "网格", "联系电话"])
    sheet.append(["老王超市", "通达街5号", "通达街社区", 1, 13900000002])
    buffer = io.BytesIO()
    book.save(buffer)
    login(client, world, "street_supervisor")
    assert stored(upload(client, buffer.getvalue(), "shops.xlsx")) == ("stored", 1)
    assert Shop.objects.get(name="老王超市").contact_phone == "13900000002"


def test_import_without_the_required_columns_stores_nothing(client, world):
    login(client, world, "street_supervisor")
    response = upload(client, "name,address\n店,址\n")
    assert "record" not in response.context
    assert "缺少：社区, 网格" in response.content.decode()
    assert not Shop.objects.filter(name="店").exists()


# --- Export ---------------------------------------------------------------------------------


def test_export_round_trips_into_the_import(client, world):
    login(client, world, "street_supervisor")
    rows = export(client)
    # under the Chinese headings the import reads (the keys of HEADER are read too)
    assert rows[0] == [HEADINGS[key][0] for key in (*HEADER.strip().split(","), *READ_ONLY)]
    assert rows[0][9:] == ["牌子", "状态", "提醒次数", "最近检查"]
    assert {row[0] for row in rows[1:]} == {
        world["shops"]["grid_a"].name,
        world["shops"]["grid_b"].name,
    }
    assert rows[1][7] == "13912345678"  # a supervisor keeps the register: full numbers
    before = Shop.objects.count()

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = upload(client, buffer.getvalue())
    assert stored(response) == ("stored", 2)
    assert (
        "0 家新商铺，更新 2 家。"
        in upload(client, buffer.getvalue(), confirm=False).content.decode()
    )
    assert Shop.objects.count() == before


def test_export_as_excel_round_trips_too(client, world):
    login(client, world, "street_supervisor")
    response = export_response(client, format="xlsx")
    assert ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = list(book.active.iter_rows(values_only=True))
    assert values[0][:4] == ("名称", "地址", "社区", "网格")
    assert len(values) == 3
    assert stored(upload(client, response.content, "again.xlsx")) == ("stored", 2)


@pytest.mark.parametrize("role", ["community_staff", "grid_worker"])
def test_export_masks_phones_for_a_role_without_the_right(client, world, role):
    login(client, world, role)
    rows = export(client)
    assert len(rows) > 1
    assert {row[7] for row in rows[1:]} == {"139****5678"}


def test_export_follows_the_filters_and_the_scope(client, world):
    ShopFactory(grid=world["nodes"]["grid_a"], name="小店路药房", road="小店路")
    login(client, world, "street_supervisor")
    assert [row[0] for row in export(client, road="小店路")[1:]] == ["小店路药房"]
    login(client, world, "outsider_supervisor")
    assert [row[0] for row in export(client)[1:]] == [world["shops"]["other_grid"].name]


def test_export_neutralises_formulas_in_csv(client, world):
    ShopFactory(grid=world["nodes"]["grid_a"], name="=HYPERLINK(1)")
    login(client, world, "street_supervisor")
    assert "'=HYPERLINK(1)" in [row[0] for row in export(client)]


def test_export_refuses_an_unknown_format(client, world):
    login(client, world, "street_supervisor")
    assert export_response(client, format="pdf").status_code == 400


# --- Campaigns ------------------------------------------------------------------------------


def test_campaign_list_for_the_supervisor_and_outsiders(client, sweep):
    login(client, sweep, "street_supervisor")
    response = client.get(reverse("shops:campaign-list"))
    assert [c.title for c in response.context["page"]] == ["扫街行动"]
    assert reverse("shops:campaign-create") in response.content.decode()
    for role in ("outsider_supervisor", "outsider_grid_worker"):
        login(client, sweep, role)
        response = client.get(reverse("shops:campaign-list"))
        assert list(response.context["page"]) == []
    login(client, sweep, "grid_worker")  # a member sees it, without the "new" button
    response = client.get(reverse("shops:campaign-list"))
    assert len(response.context["page"]) == 1
    assert reverse("shops:campaign-create") not in response.content.decode()


def test_campaign_list_query_count_is_pinned(client, sweep, django_assert_num_queries):
    for n in range(3):
        services.campaign_create(
            street=sweep["nodes"]["street"],
            title=f"扫街{n}",
            starts_on=START + timedelta(days=40 * (n + 1)),  # one sweep a road at a time
            by=sweep["users"]["street_supervisor"],
        )
    login(client, sweep, "street_supervisor")
    # session, user, the user's node (scope), count, the page of campaigns with their street
    with django_assert_num_queries(5):
        response = client.get(reverse("shops:campaign-list"))
    assert len(response.context["page"]) == 4


def test_supervisor_creates_a_campaign_on_some_roads(client, world):
    ShopFactory(grid=world["nodes"]["grid_a"], road="通达街")
    ShopFactory(grid=world["nodes"]["grid_b"], road="小店路")
    login(client, world, "street_supervisor")
    page = client.get(reverse("shops:campaign-create"))
    assert page.context["form"]["roads"].field.choices[0][0] == "小店路"
    data = {"title": "扫街行动", "starts_on": str(TODAY), "roads": ["通达街"]}
    preview = client.post(reverse("shops:campaign-create"), data)
    # shown back with what it would create, nothing stored until confirmed
    assert preview.status_code == 200 and not Campaign.objects.exists()
    assert preview.context["preview"]["shops"] == 1
    assert 'data-testid="confirm"' in preview.content.decode()
    response = client.post(reverse("shops:campaign-create"), {**data, "confirm": "1"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("shops:campaign-detail", args=[campaign.pk])
    assert (campaign.street, campaign.roads, str(campaign.ends_on)) == (
        world["nodes"]["street"],
        ["通达街"],
        str(TODAY + timedelta(days=30)),
    )


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        ("9999-12-31", "", "starts_on"),  # was an OverflowError: a 500
        ("0001-01-01", "", "starts_on"),
        (str(TODAY + timedelta(days=400)), "", "starts_on"),
        (str(TODAY), "9999-12-31", "ends_on"),
    ],
)
def test_a_campaign_date_far_from_today_is_a_field_error(client, world, starts_on, ends_on, field):
    login(client, world, "street_supervisor")
    data = {"title": "扫街", "starts_on": starts_on, "ends_on": ends_on}
    response = client.post(reverse("shops:campaign-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Campaign.objects.exists()


def test_a_campaign_ending_before_it_starts_is_refused(client, world):
    login(client, world, "street_supervisor")
    response = client.post(
        reverse("shops:campaign-create"),
        {"title": "扫街", "starts_on": str(TODAY), "ends_on": str(TODAY - timedelta(days=27))},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("role", ["grid_worker", "district_office", "inspector", "city_office"])
def test_only_supervisors_create_campaigns(client, world, role):
    login(client, world, role)
    assert client.get(reverse("shops:campaign-create")).status_code == 403
    data = {"title": "扫街", "starts_on": str(TODAY)}
    assert client.post(reverse("shops:campaign-create"), data).status_code == 403
    assert not Campaign.objects.exists()


def test_a_superuser_placed_at_no_street_is_told_so(client, world):
    login(client, world, "superuser")
    data = {"title": "扫街", "starts_on": str(TODAY)}
    response = client.post(reverse("shops:campaign-create"), data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Campaign.objects.exists()
    response = upload(client, HEADER + "店,址,通达街社区,第1网格,,,,,\n")
    assert response.context["record"].state == "refused"
    assert response.context["record"].problems[0][3] == "您的账号未设在街道，无法导入。"
    assert not Shop.objects.filter(name="店").exists()


def test_campaign_detail_shows_the_groups_and_their_shares(client, sweep):
    login(client, sweep, "street_supervisor")
    response = client.get(reverse("shops:campaign-detail", args=[sweep["campaign"].pk]))
    assert response.status_code == 200
    assert [(g.number, g.share) for g in response.context["groups"]] == [(1, 3), (2, 3)]
    assert (response.context["target_count"], response.context["unassigned_count"]) == (6, 0)
    html = response.content.decode()
    assert sweep["users"]["market"].username in html
    assert reverse("shops:campaign-split", args=[sweep["campaign"].pk]) in html


@pytest.mark.parametrize("page", ["shops:campaign-detail", "shops:campaign-progress"])
@pytest.mark.parametrize("role", ["outsider_supervisor", "outsider_grid_worker", "inspector"])
def test_outsiders_get_404_on_campaign_pages(client, sweep, page, role):
    login(client, sweep, role)
    assert client.get(reverse(page, args=[sweep["campaign"].pk])).status_code == 404


def test_a_member_sees_the_campaign_without_the_forms(client, sweep):
    login(client, sweep, "market")
    response = client.get(reverse("shops:campaign-detail", args=[sweep["campaign"].pk]))
    assert response.status_code == 200
    assert "group_form" not in response.context
    assert reverse("shops:campaign-split", args=[sweep["campaign"].pk]) not in (
        response.content.decode()
    )


@pytest.fixture
def fresh(world):
    """A campaign of 小店街道 with no group yet, shops on two roads, and eligible staff."""
    nodes = world["nodes"]
    for road, n in (("通达街", 4), ("小店路", 3)):
        for i in range(n):
            ShopFactory(grid=nodes["grid_a"], road=road, address=f"{road}{i}号")
    street = nodes["street"]
    campaign = services.campaign_create(
        street=street, title="扫街", starts_on=START, by=world["users"]["street_supervisor"]
    )
    people = {
        "worker_b": UserFactory(
            role=Role.GRID_WORKER, jurisdiction=nodes["community"], grids=[nodes["grid_b"]]
        ),
        "market": UserFactory(role=Role.INSPECTOR, jurisdiction=street),
        "enforcer": UserFactory(role=Role.INSPECTOR, jurisdiction=street),
    }
    return {**world, "campaign": campaign, "people": people}


def add_group(client, fresh, grid_worker, market, enforcer):
    url = reverse("shops:campaign-group-create", args=[fresh["campaign"].pk])
    return client.post(
        url,
        {
            "grid_worker": grid_worker.pk,
            "market_officer": market.pk,
            "enforcement_officer": enforcer.pk,
        },
    )


def test_supervisor_adds_groups_and_splits_by_road(client, fresh):
    login(client, fresh, "street_supervisor")
    people, campaign = fresh["people"], fresh["campaign"]
    detail = client.get(reverse("shops:campaign-detail", args=[campaign.pk]))
    form = detail.context["group_form"]
    assert set(form.fields["grid_worker"].queryset) == {
        fresh["users"]["grid_worker"],
        people["worker_b"],
    }
    assert set(form.fields["market_officer"].queryset) == {
        fresh["users"]["inspector"],
        people["market"],
        people["enforcer"],
    }
    response = add_group(
        client, fresh, fresh["users"]["grid_worker"], people["market"], people["enforcer"]
    )
    assert response.status_code == 302
    add_group(client, fresh, people["worker_b"], fresh["users"]["inspector"], people["market"])
    assert list(campaign.groups.values_list("number", flat=True)) == [1, 2]

    response = client.post(reverse("shops:campaign-split", args=[campaign.pk]), follow=True)
    counts = dict(
        Assignment.objects.filter(campaign=campaign)
        .values_list("group__number")
        .annotate(n=Count("pk"))
    )
    assert counts == {1: 5, 2: 4}  # nine shops of the street (two roads and two without)
    message = str(list(response.context["messages"])[-1])
    assert "9" in message and "4" in message and "5" in message


def test_a_group_of_the_same_officer_twice_is_refused_and_nothing_stored(client, fresh):
    login(client, fresh, "street_supervisor")
    market = fresh["people"]["market"]
    response = add_group(client, fresh, fresh["users"]["grid_worker"], market, market)
    assert response.status_code == 200
    assert response.context["group_form"].errors["enforcement_officer"]
    assert not JointGroup.objects.exists()


def test_an_outsider_cannot_be_chosen_for_a_group(client, fresh):
    login(client, fresh, "street_supervisor")
    people = fresh["people"]
    response = add_group(
        client, fresh, fresh["users"]["outsider_grid_worker"], people["market"], people["enforcer"]
    )
    assert response.context["group_form"].errors["grid_worker"]
    assert not JointGroup.objects.exists()


def test_split_without_groups_says_so(client, fresh):
    login(client, fresh, "street_supervisor")
    response = client.post(
        reverse("shops:campaign-split", args=[fresh["campaign"].pk]), follow=True
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("district_office", 403), ("grid_worker", 403), ("market", 403), ("outsider_supervisor", 404)],
)
def test_only_the_supervisor_changes_groups_and_shares(client, sweep, role, status):
    campaign = sweep["campaign"]
    before = sorted(Assignment.objects.values_list("shop_id", "group_id"))
    login(client, sweep, role)
    for name in ("shops:campaign-split", "shops:campaign-assign", "shops:campaign-group-create"):
        assert client.post(reverse(name, args=[campaign.pk])).status_code == status
    assert sorted(Assignment.objects.values_list("shop_id", "group_id")) == before
    assert campaign.groups.count() == 2


def test_assign_moves_a_roads_shops_to_a_group(client, sweep):
    campaign, group_1, group_2 = sweep["campaign"], *sweep["groups"]
    login(client, sweep, "street_supervisor")
    url = reverse("shops:campaign-assign", args=[campaign.pk])
    response = client.post(url, {"group": group_1.pk, "road": "通达街"})
    assert response.status_code == 302
    assert Assignment.objects.filter(group=group_1).count() == 6
    assert not Assignment.objects.filter(group=group_2).exists()
    # a road or some shops must be given
    response = client.post(url, {"group": group_2.pk})
    assert response.context["assign_form"].non_field_errors()


def test_assign_the_ticked_shops(client, sweep):
    campaign, group_1 = sweep["campaign"], sweep["groups"][0]
    Assignment.objects.filter(campaign=campaign, group=sweep["groups"][1]).delete()
    login(client, sweep, "street_supervisor")
    detail = client.get(reverse("shops:campaign-detail", args=[campaign.pk]))
    unassigned = list(detail.context["unassigned"])
    assert len(unassigned) == 3
    client.post(
        reverse("shops:campaign-assign", args=[campaign.pk]),
        {"group": group_1.pk, "shops": [unassigned[0].pk, unassigned[1].pk]},
    )
    assert Assignment.objects.filter(group=group_1).count() == 5


# --- Progress -------------------------------------------------------------------------------


@pytest.fixture
def inspected(sweep):
    """Group 1 passes one shop and reminds another (then records two failures that change
    nothing); group 2 takes a shop to the red placard."""
    share_1 = list(Shop.objects.filter(assignments__group=sweep["groups"][0]).order_by("address"))
    share_2 = list(Shop.objects.filter(assignments__group=sweep["groups"][1]).order_by("address"))
    inspect(sweep, share_1[0], member="grid_worker", day=0)
    inspect(sweep, share_1[1], member="market", day=0, masks_worn=False)
    inspect(sweep, share_1[1], member="grid_worker", day=0, hour=11, masks_worn=False)  # repeat
    inspect(sweep, share_1[1], member="grid_worker", day=1, masks_worn=False)  # in period
    for day in (0, 3, 6):  # each failure after the last reminder's deadline
        inspect(sweep, share_2[0], member="enforcer_b", day=day, venue_code_used=False)
    return {**sweep, "red_shop": share_2[0]}


def test_progress_counts_after_some_inspections(client, inspected):
    login(client, inspected, "street_supervisor")
    response = client.get(reverse("shops:campaign-progress", args=[inspected["campaign"].pk]))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert (progress.total, progress.inspected, progress.unassigned) == (6, 3, 0)
    assert (progress.green, progress.reminder, progress.red) == (1, 1, 1)
    assert [
        (g["group__number"], g["inspected"], g["total"], g["percent"]) for g in progress.groups
    ] == [
        (1, 2, 3, 67),
        (2, 1, 3, 33),
    ]
    assert {r["road"]: r["inspected"] for r in progress.roads} == {"小店路": 2, "通达街": 1}
    assert progress.red_due == [inspected["red_shop"]]
    html = response.content.decode()
    assert reverse("sweep:shop-detail", args=[inspected["red_shop"].pk]) in html
    assert 'hx-trigger="every 30s"' in html
    assert "js/campaign_progress.js" in html and "chart.umd.min.js" in html
    chart = response.context["chart"]
    assert chart["labels"] == ["03-28", "03-29", "03-30", "03-31", "04-01", "04-02", "04-03"]
    assert [d["data"] for d in chart["datasets"]] == [
        [1, 0, 0, 0, 0, 0, 0],
        [2, 0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [1, 1, 0, 0, 0, 0, 0],
    ]
    embedded = html.split('id="campaign-chart-data" type="application/json">')[1].split(
        "</script>"
    )[0]
    assert json.loads(embedded)["labels"] == chart["labels"]


def test_a_group_member_sees_the_counts_but_no_other_groups_red_shop(client, inspected):
    login(client, inspected, "market")  # group 1; the red shop is group 2's
    response = client.get(reverse("shops:campaign-progress", args=[inspected["campaign"].pk]))
    progress = response.context["progress"]
    assert progress.red == 1 and progress.red_due == []
    assert inspected["red_shop"].name not in response.content.decode()


def test_progress_htmx_returns_the_body_only(client, inspected):
    login(client, inspected, "market")  # a member follows the campaign too
    url = reverse("shops:campaign-progress", args=[inspected["campaign"].pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="progress"' in html and "<html" not in html
    assert 'id="campaign-chart-data"' in html


def test_progress_query_count_is_pinned(client, inspected, django_assert_num_queries):
    login(client, inspected, "street_supervisor")
    url = reverse("shops:campaign-progress", args=[inspected["campaign"].pk])
    # session, user, the user's node (scope), the campaign; totals, groups, roads, red
    # shops due, days
    with django_assert_num_queries(9):
        client.get(url)
    with django_assert_num_queries(9):
        client.get(url, headers={"HX-Request": "true"})


def test_progress_of_a_campaign_without_inspections(client, sweep):
    login(client, sweep, "street_supervisor")
    response = client.get(reverse("shops:campaign-progress", args=[sweep["campaign"].pk]))
    assert response.context["chart"]["labels"] == []
    assert 'data-testid="no-inspection"' in response.content.decode()


# --- A campaign's life: overlap refused, changed, ended early, deleted (issue 13) -----------


def running(world, **changes):
    login_as = world["users"]["street_supervisor"]
    return services.campaign_create(
        street=world["nodes"]["street"],
        title=changes.pop("title", "扫街"),
        starts_on=changes.pop("starts_on", TODAY - timedelta(days=3)),
        by=login_as,
        **changes,
    )


@pytest.mark.parametrize(
    ("first_roads", "second_roads", "refused"),
    [
        ([], ["通达街"], True),
        (["通达街"], [], True),
        (["通达街"], ["通达街", "小店路"], True),
        (["通达街"], ["小店路"], False),
    ],
)
def test_an_overlapping_campaign_on_the_same_roads_is_refused(
    client, world, first_roads, second_roads, refused
):
    ShopFactory(grid=world["nodes"]["grid_a"], road="通达街")
    ShopFactory(grid=world["nodes"]["grid_b"], road="小店路")
    running(world, roads=first_roads)
    login(client, world, "street_supervisor")
    data = {"title": "又一次", "starts_on": str(TODAY), "roads": second_roads, "confirm": "1"}
    response = client.post(reverse("shops:campaign-create"), data)
    assert (Campaign.objects.count() == 1) == refused
    if refused:
        assert "已在" in response.content.decode()


def test_one_tap_on_the_empty_form_creates_nothing(client, world):
    login(client, world, "street_supervisor")
    page = client.get(reverse("shops:campaign-create"))
    assert not page.context["form"].initial  # nothing pre-filled
    response = client.post(reverse("shops:campaign-create"), {"confirm": "1"})
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert response.context["form"].errors["starts_on"]


def test_a_campaign_is_changed_ended_early_and_deleted_while_nothing_was_inspected(client, world):
    campaign = running(world)
    login(client, world, "street_supervisor")
    detail = client.get(reverse("shops:campaign-detail", args=[campaign.pk])).content.decode()
    for action in ("edit", "close", "delete"):
        assert f'data-testid="{action}"' in detail
    data = {
        "title": "扫街（延长）",
        "starts_on": str(campaign.starts_on),
        "ends_on": str(TODAY + timedelta(days=40)),
    }
    assert client.post(reverse("shops:campaign-edit", args=[campaign.pk]), data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.ends_on) == ("扫街（延长）", TODAY + timedelta(days=40))
    client.post(reverse("shops:campaign-close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.ends_on == TODAY
    client.post(reverse("shops:campaign-delete", args=[campaign.pk]))
    assert not Campaign.objects.exists()


def test_an_inspected_campaign_keeps_its_start_and_roads_and_is_not_deleted(client, sweep):
    campaign = sweep["campaign"]
    inspect(sweep, first_share(sweep))
    login(client, sweep, "street_supervisor")
    edit = reverse("shops:campaign-edit", args=[campaign.pk])
    page = client.get(edit)
    assert page.context["form"].fields["starts_on"].disabled
    later = {
        "title": "改名",
        "starts_on": "2022-04-01",
        "ends_on": str(campaign.ends_on),
        "roads": [],
    }
    assert client.post(edit, later).status_code == 302  # the start and roads are not sent
    campaign.refresh_from_db()
    assert (campaign.title, campaign.starts_on) == ("改名", START)
    response = client.post(reverse("shops:campaign-delete", args=[campaign.pk]), follow=True)
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert "不能删除" in response.content.decode()
    detail = client.get(reverse("shops:campaign-detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="delete"' not in detail


@pytest.mark.parametrize("role", ["grid_worker", "inspector", "district_office"])
def test_only_the_supervisor_changes_ends_or_deletes_a_campaign(client, world, role):
    campaign = running(world)
    login(client, world, role)
    for name in ("shops:campaign-edit", "shops:campaign-close", "shops:campaign-delete"):
        assert client.post(reverse(name, args=[campaign.pk]), {}).status_code in {403, 404}
    campaign.refresh_from_db()
    assert campaign.ends_on > TODAY
