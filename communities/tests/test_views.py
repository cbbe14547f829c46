import pytest
from django.urls import reverse

from communities.models import PersonalDataView, Resident

ROLES = [
    "grid_worker",
    "community_staff",
    "street_supervisor",
    "district_office",
    "city_office",
    "inspector",
    "admin",
    "superuser",
]


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_home_page_shows_the_roles_jurisdiction(client, world, role):
    user = world["users"][role]
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    expected_root = user.jurisdiction or world["nodes"]["city"]
    assert expected_root.name in response.content.decode()


def test_grid_worker_home_counts_only_their_grid(client, world):
    client.force_login(world["users"]["grid_worker"])
    response = client.get(reverse("home"))
    assert response.context["counts"]["residents"] == 1
    assert [row.node for row in response.context["breakdown"]] == [world["nodes"]["grid_a"]]


def test_home_is_chinese_by_default(client, world):
    client.force_login(world["users"]["grid_worker"])
    html = client.get(reverse("home")).content.decode()
    assert "网格化管理门户" in html
    assert "退出登录" in html


def test_home_in_english_after_switching(client, world):
    client.force_login(world["users"]["grid_worker"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert "Grid management portal" in html
    assert "Sign out" in html


@pytest.mark.parametrize(
    ("role", "node", "status"),
    [
        ("street_supervisor", "community", 200),
        ("street_supervisor", "other_community", 404),
        ("street_supervisor", "district", 404),  # above their street
        ("grid_worker", "grid_a", 200),
        ("grid_worker", "grid_b", 404),  # same community, not their grid
        ("grid_worker", "other_grid", 404),
        ("outsider_grid_worker", "grid_a", 404),
        ("outsider_supervisor", "street", 404),
        ("district_office", "grid_b", 200),
        ("district_office", "other_grid", 404),
        ("city_office", "other_grid", 200),
    ],
)
def test_jurisdiction_page_outside_the_subtree_is_404(client, world, role, node, status):
    client.force_login(world["users"][role])
    url = reverse("communities:jurisdiction-detail", args=[world["nodes"][node].pk])
    assert client.get(url).status_code == status


def test_jurisdiction_list_is_scoped_and_pinned(client, world, django_assert_num_queries):
    client.force_login(world["users"]["street_supervisor"])
    url = reverse("communities:jurisdiction-list")
    # session, user, the user's node (their scope), count, page of nodes with parents
    with django_assert_num_queries(5):
        response = client.get(url)
    names = {node.name for node in response.context["page"]}
    assert names == {"小店街道", "通达街社区", "第1网格", "第2网格"}


def test_jurisdiction_list_htmx_returns_only_rows(client, world):
    client.force_login(world["users"]["city_office"])
    url = reverse("communities:jurisdiction-list")
    response = client.get(url, {"level": "grid"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="rows"' in html and "<html" not in html
    assert html.count('href="/areas/') == 3  # the three grids, nothing else


def test_outsider_gets_404_on_jurisdiction_detail_in_any_language(client, world):
    client.force_login(world["users"]["outsider_grid_worker"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse("communities:jurisdiction-detail", args=[world["nodes"]["community"].pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("superuser", True), ("city_office", False), ("grid_worker", False)],
)
def test_only_administrators_reach_the_admin_site(client, world, role, allowed):
    client.force_login(world["users"][role])
    response = client.get(reverse("admin:communities_resident_changelist"))
    assert (response.status_code == 200) is allowed


def test_admin_resident_list_masks_personal_data(client, world):
    client.force_login(world["users"]["superuser"])
    resident = world["residents"]["grid_a"]
    html = client.get(reverse("admin:communities_resident_changelist")).content.decode()
    assert resident.id_number not in html
    assert resident.id_number[:6] + "********" + resident.id_number[-4:] in html


def test_each_admin_change_page_of_a_resident_is_recorded(client, world):
    admin_user = world["users"]["superuser"]
    client.force_login(admin_user)
    resident = world["residents"]["grid_a"]
    url = reverse("admin:communities_resident_change", args=[resident.pk])
    assert resident.id_number in client.get(url).content.decode()
    view = PersonalDataView.objects.get()
    assert (view.user, view.resident, view.arrival, view.task) == (
        admin_user,
        resident,
        None,
        None,
    )
    client.get(url)
    assert PersonalDataView.objects.filter(resident=resident).count() == 2
    client.get(reverse("admin:communities_resident_changelist"))  # masked: not recorded
    assert PersonalDataView.objects.count() == 2


def test_sign_in_and_out(client, world):
    user = world["users"]["grid_worker"]
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_five_failures_lock_the_username_for_fifteen_minutes(client, world):
    user = world["users"]["grid_worker"]
    for _ in range(5):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 429
    assert "15" in response.content.decode()
    # Another user on the same machine is not locked out.
    other = world["users"]["community_staff"]
    response = client.post(
        reverse("login"), {"username": other.username, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 302


def test_a_success_resets_the_failure_count(client, world):
    user = world["users"]["grid_worker"]
    for _ in range(4):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    client.post(reverse("login"), {"username": user.username, "password": "pw-for-tests-123"})
    client.post(reverse("logout"))
    for _ in range(4):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 302


def test_change_password(client, world):
    user = world["users"]["grid_worker"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-123",
            "new_password1": "Tongda-grid-2022",
            "new_password2": "Tongda-grid-2022",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Tongda-grid-2022")


def test_change_password_with_wrong_old_password_keeps_it(client, world):
    user = world["users"]["grid_worker"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "Tongda-grid-2022",
            "new_password2": "Tongda-grid-2022",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password("pw-for-tests-123")


def admin_user_form(world, user, **changes):
    from communities.forms import StaffUserChangeForm

    data = {
        "username": user.username,
        "password": user.password,
        "role": user.role,
        "jurisdiction": user.jurisdiction_id,
        "grids": [g.pk for g in user.grids.all()],
        "date_joined": user.date_joined,
        "is_active": True,
    }
    data.update(changes)
    return StaffUserChangeForm(data=data, instance=user)


def test_admin_form_refuses_a_grid_outside_the_workers_community(world):
    user = world["users"]["grid_worker"]
    form = admin_user_form(world, user, grids=[world["nodes"]["other_grid"].pk])
    assert not form.is_valid()
    assert "grids" in form.errors


def test_admin_form_refuses_grids_for_other_roles(world):
    user = world["users"]["community_staff"]
    form = admin_user_form(world, user, grids=[world["nodes"]["grid_a"].pk])
    assert not form.is_valid()
    assert "grids" in form.errors


def test_admin_form_accepts_the_workers_own_grids(world):
    user = world["users"]["grid_worker"]
    nodes = world["nodes"]
    form = admin_user_form(world, user, grids=[nodes["grid_a"].pk, nodes["grid_b"].pk])
    assert form.is_valid(), form.errors


def test_admin_form_refuses_a_role_at_the_wrong_level(world):
    user = world["users"]["community_staff"]
    form = admin_user_form(world, user, role="district_office")
    assert not form.is_valid()
    assert "jurisdiction" in form.errors


def test_home_query_count_does_not_grow_with_children(client, world, django_assert_num_queries):
    client.force_login(world["users"]["city_office"])
    # session, user, node, staff, the inbox's 2 (proposals; appeals to resolve and past 24 h),
    # children, the dashboards' summary rows (none yet: counted), residents per grid, shops
    # per grid, grids (the other counts are the table's sums)
    with django_assert_num_queries(11):
        client.get(reverse("home"))
    from .factories import JurisdictionFactory

    for n in range(5):
        JurisdictionFactory(name=f"新区{n}", level="district", parent=world["nodes"]["city"])
    with django_assert_num_queries(11):
        client.get(reverse("home"))


def test_every_model_is_in_the_admin_and_its_list_opens(client, world):
    from django.apps import apps
    from django.contrib import admin

    client.force_login(world["users"]["superuser"])
    for app in ("communities", "shops", "monitoring", "dashboards"):
        for model in apps.get_app_config(app).get_models():
            assert model in admin.site._registry, model
            url = reverse(f"admin:{app}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(("role", "sees_residents"), [("inspector", False), ("grid_worker", True)])
def test_the_menu_offers_resident_pages_only_to_roles_that_work_with_residents(
    client, world, role, sees_residents
):
    client.force_login(world["users"][role])
    html = client.get(reverse("home")).content.decode()
    assert (reverse("communities:resident-list") in html) == sees_residents
    assert reverse("sweep:worklist") in html
    # venue reports are taken by those who work with residents (issue 11: no oracle)
    assert (reverse("tasks:venue-report") in html) == sees_residents


def test_pages_keep_the_filters(client, world):
    """The page links of a list carry its filters (one pagination partial for all lists)."""
    from .factories import ResidentFactory

    for _ in range(55):
        ResidentFactory(grid=world["nodes"]["grid_a"], code="red")
    client.force_login(world["users"]["street_supervisor"])
    html = client.get(reverse("communities:resident-list"), {"code": "red"}).content.decode()
    assert f'href="{reverse("communities:resident-list")}?code=red&amp;page=2"' in html
    second = client.get(reverse("communities:resident-list"), {"code": "red", "page": 2})
    assert "page=1" in second.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/arrivals/new/?resident=abc", "/announcements/compare/?a=x&b=1", "/appeals/new/?resident=1x"],
)
def test_an_id_that_is_not_a_number_is_a_404(client, world, path):
    client.force_login(world["users"]["grid_worker"])
    if path.startswith("/announcements"):
        client.force_login(world["users"]["city_office"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(("role", "offered"), [("grid_worker", True), ("district_office", False)])
def test_the_appeal_button_is_offered_only_to_those_who_may_file(client, world, role, offered):
    resident = world["residents"]["grid_a"]
    Resident.objects.filter(pk=resident.pk).update(code="red", code_rule="R1")
    client.force_login(world["users"][role])
    html = client.get(reverse("communities:resident-detail", args=[resident.pk])).content.decode()
    assert (reverse("appeals:create") in html) == offered


def test_the_resident_list_shows_measure_and_next_test_in_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    from .factories import ResidentFactory, announcement_publish, arrival_file

    nanguan = {"province": "吉林省", "city": "长春市", "county": "南关区"}
    announcement_publish(
        {"title": "南关区", "effective": "2022-03-28", "risk_areas": [{"level": "high", **nanguan}]}
    )
    resident = world["residents"]["grid_a"]
    arrival_file(resident)  # from a high-risk area: red, a measure and tests
    for _ in range(20):
        ResidentFactory(grid=world["nodes"]["grid_a"])
    client.force_login(world["users"]["grid_worker"])
    with django_assert_max_num_queries(12):
        html = client.get(reverse("communities:resident-list")).content.decode()
    measure = resident.measures.get()
    first_test = resident.tests.order_by("due").first()
    assert measure.release_due.isoformat() in html and first_test.due.isoformat() in html


@pytest.mark.parametrize("role", ["grid_worker", "street_supervisor", "city_office"])
def test_every_home_count_links_to_a_list_that_shows_the_same_number(client, world, role):
    """Issue 13: the counts agree with the table under them and each number opens the
    list behind it, narrowed to the row's node."""
    from html.parser import HTMLParser

    client.force_login(world["users"][role])
    response = client.get(reverse("home"))
    counts, breakdown = response.context["counts"], response.context["breakdown"]
    assert counts["residents"] == sum(row.residents for row in breakdown)
    assert counts["shops"] == sum(row.figures["shops"] for row in breakdown)
    html = response.content.decode()
    assert f'href="{reverse("communities:resident-list")}"' in html
    for row in breakdown:
        url = f"{reverse('communities:resident-list')}?node={row.node.pk}"
        assert url in html
        assert client.get(url).context["page"].paginator.count == row.residents
        shops = client.get(f"{reverse('shops:shop-list')}?node={row.node.pk}")
        assert shops.context["page"].paginator.count == row.figures["shops"]
        grids = client.get(
            reverse("communities:jurisdiction-list"), {"level": "grid", "node": row.node.pk}
        )
        assert grids.context["page"].paginator.count == row.grids

    class Links(HTMLParser):
        inside, numbers = 0, []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.inside += 1

        def handle_endtag(self, tag):
            if tag == "a":
                self.inside -= 1

        def handle_data(self, data):
            if data.strip().isdigit() and not self.inside:
                self.numbers.append(data.strip())

    main = html[html.index("<main") : html.index("</main>")]
    parser = Links()
    parser.feed(main)
    assert parser.numbers == []  # no number that is not a link


def test_a_node_outside_the_users_area_is_404_on_the_lists(client, world):
    client.force_login(world["users"]["grid_worker"])
    other = world["nodes"]["other_community"].pk
    assert client.get(reverse("communities:resident-list"), {"node": other}).status_code == 404
    assert client.get(reverse("shops:shop-list"), {"node": other}).status_code == 404
    assert client.get(reverse("communities:resident-list"), {"node": "x"}).status_code == 404


def test_an_inspector_home_shows_the_shops_not_residents_and_grids(client, world):
    client.force_login(world["users"]["inspector"])
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="count-residents"' not in html and 'data-testid="count-grids"' not in html
    assert 'data-testid="count-shops"' in html


def test_the_grid_workers_home_shows_todays_work_each_count_opening_its_list(client, world):
    """Issue 13: tests due, follow-ups missing today, open tasks and open appeals; each
    count a link to its list, which shows as many."""
    from .factories import announcement_publish, arrival_file

    nanguan = {"province": "吉林省", "city": "长春市", "county": "南关区"}
    announcement_publish(
        {"title": "南关区", "effective": "2022-03-28", "risk_areas": [{"level": "high", **nanguan}]}
    )
    arrival_file(world["residents"]["grid_a"], days_ago=3)  # red: a measure and tests
    client.force_login(world["users"]["grid_worker"])
    waiting = {w.testid: w for w in client.get(reverse("home")).context["waiting"]}
    assert set(waiting) == {"tests", "followups", "tasks", "appeals-open"}
    assert waiting["tests"].count >= 1 and waiting["followups"].count == 1
    followups = client.get(waiting["followups"].url)
    assert len(followups.context["rows"]) == waiting["followups"].count
    tests = client.get(waiting["tests"].url)
    assert tests.context["page"].paginator.count == waiting["tests"].count
