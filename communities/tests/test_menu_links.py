"""No dead end in the menu (issues 11 and 13): every link of every role's menu opens
(200), and pages a role may not open are not offered to it."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

ROLES = [
    "grid_worker",
    "community_staff",
    "street_supervisor",
    "district_office",
    "city_office",
    "inspector",
    "admin",
]


class NavLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.links = 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self.depth += 1
        elif tag == "a" and self.depth and attrs.get("href", "#").startswith("/"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self.depth -= 1


def menu_links(html: str) -> list[str]:
    parser = NavLinks()
    parser.feed(html)
    return sorted(set(parser.links))


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_opens_for_its_role(client, world, role):
    client.force_login(world["users"][role])
    links = menu_links(client.get(reverse("home")).content.decode())
    assert reverse("home") in links and len(links) >= 4
    closed = {link: client.get(link).status_code for link in links}
    assert {link: code for link, code in closed.items() if code != 200} == {}


@pytest.mark.parametrize(
    ("role", "hidden"),
    [
        ("grid_worker", ["/imports/pushes/", "review:run-list", "shops:campaign-create"]),
        ("community_staff", ["/imports/pushes/", "review:run-list"]),
        ("street_supervisor", ["/imports/pushes/", "review:run-list"]),
        ("district_office", ["review:run-list"]),
        ("inspector", ["/imports/pushes/", "review:run-list", "tasks:venue-report"]),
    ],
)
def test_pages_a_role_may_not_open_are_not_in_its_menu(client, world, role, hidden):
    client.force_login(world["users"][role])
    links = menu_links(client.get(reverse("home")).content.decode())
    for name in hidden:  # a URL name, or an address
        url = name if name.startswith("/") else reverse(name)
        assert url not in links
        assert client.get(url).status_code == 403
