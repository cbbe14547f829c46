"""The demo's doses (seed_demo): each resident of 3 or more without doses is given a
history drawn from their id, so that running it again adds nothing and the lists have a
bit of everything: not vaccinated, a course begun, full courses long ago and recent
(boosters due and not yet), boosters; the products of the table in their proportions."""

import random
from datetime import date, timedelta

from communities.models import Resident
from communities.rules.identity import birth_date_of

from . import rules
from .models import Dose, Product
from .products import products_ensure
from .states import states_refresh

BATCH = 2000
SITES = ("小店区人民医院接种点", "坞城街道社区卫生服务中心", "太原市体育馆临时接种点")


def _history(rng: random.Random, birth: date, today: date, products: dict) -> list[tuple]:
    """(day, product, number, booster) of one person's doses."""
    if rules.age_on(birth, today) < 3:
        return []
    roll = rng.random()
    if roll < 0.08:
        return []
    code = rng.choices(["bbibp", "coronavac", "wibp", "ad5", "zf2001"], [40, 35, 10, 8, 7])[0]
    course = products[code].primary_doses
    start = today - timedelta(days=rng.randint(60, 560))
    start = max(start, birth + timedelta(days=3 * 366))
    if start >= today - timedelta(days=10):
        return []
    given = course if roll >= 0.15 else max(course - 1, 1) if course > 1 else 0
    doses, day = [], start
    for number in range(1, given + 1):
        if day >= today:
            break
        doses.append((day, products[code], number, False))
        day += timedelta(days=rng.randint(21, 56))
    adult = rules.age_on(birth, today) >= 18
    if len(doses) == course and adult and roll >= 0.55:
        booster_day = doses[-1][0] + timedelta(days=rng.randint(180, 260))
        if booster_day < today:
            doses.append((booster_day, products["bbibp"], course + 1, True))
    return doses


def demo_doses_add(*, today: date) -> int:
    """Doses for every resident who has none yet; returns how many were added."""
    products_ensure()
    products = {p.code: p for p in Product.objects.all()}
    added, last = 0, 0
    while True:
        people = list(
            Resident.objects.filter(pk__gt=last, doses__isnull=True)
            .order_by("pk")
            .values_list("pk", "id_number")[:BATCH]
        )
        if not people:
            return added
        last = people[-1][0]
        doses = []
        for pk, id_number in people:
            rng = random.Random(pk)
            for day, product, number, booster in _history(
                rng, birth_date_of(id_number), today, products
            ):
                doses.append(
                    Dose(
                        resident_id=pk,
                        day=day,
                        product=product,
                        manufacturer=product.manufacturer,
                        lot=f"2021{rng.randint(1000, 9999)}",
                        site=rng.choice(SITES),
                        number=number,
                        booster=booster,
                    )
                )
        Dose.objects.bulk_create(doses, batch_size=BATCH)
        states_refresh(resident_ids={d.resident_id for d in doses})
        added += len(doses)
