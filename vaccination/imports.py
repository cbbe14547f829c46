"""Vaccination's kind of file for the one import path (transfers): the doses a
vaccination site gives, in bulk. Each row is checked as the dose form and its service
check it (the ID number of one of the user's residents, a day neither in the future nor
before the birth, a product of the table in use, a dose number), a second dose of a person
on a day within the file or against the database is a problem; nothing is written until
the author stores a file without problems, all rows at once (services.doses_import)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities import access as core_access
from communities import rules as core_rules
from communities.imports import ID_HEADINGS
from communities.rules.identity import birth_date_of
from communities.services.imports import DATE_FORMATS, LOOKUP_BATCH
from communities.validators import id_number_message
from transfers.registry import ImportKind, Problem, register_import

from . import access, services
from .models import Dose, Product

DAY_FORMATS = (*DATE_FORMATS, "%Y%m%d", "%Y.%m.%d")
YES = {"是", "加强", "加强针", "y", "yes", "true", "1"}
NO = {"", "否", "n", "no", "false", "0"}


def day_of(value) -> date | None:
    """A day from a cell: a date (or date and time) of the spreadsheet, or text such as
    2022-03-28, 2022/3/28 or 20220328; None when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().split(" ")[0]
    for fmt in DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _products() -> dict[str, Product]:
    """The table's products by code and by name."""
    products = {}
    for product in Product.objects.all():
        products[product.code.lower()] = product
        products[product.name] = product
    return products


def _number(value) -> int | None:
    text = str(value or "").strip()
    if text.endswith(".0"):  # a number cell read as a float
        text = text[:-2]
    return int(text) if text.isdigit() and 1 <= int(text) <= 9 else None


def doses_check(user, rows: list[dict]):
    """Each row: an ID number of one of the user's residents, a day, a product in use, a
    lot and a site, a dose number of 1 to 9, booster 是/否. The plan: the unsaved doses."""
    today = timezone.localdate()
    products = _products()
    problems: list[Problem] = []
    parsed = []
    for row in rows:
        number, before = row["row"], len(problems)
        raw = row.get("id_number", "")
        id_number = core_rules.normalize_id_number(raw)
        problem = core_rules.id_number_problem(id_number, today=today)
        if problem:
            problems.append(Problem(number, "id_number", raw, id_number_message(problem)))
        day = day_of(row.get("day"))
        if day is None:
            message = _("The vaccination date is not a date such as 2022-03-28.")
            problems.append(Problem(number, "day", row.get("day", ""), message))
        product = products.get(str(row.get("product") or "").strip()) or products.get(
            str(row.get("product") or "").strip().lower()
        )
        if product is None:
            message = _("No product of the table has this name or code.")
            problems.append(Problem(number, "product", row.get("product", ""), message))
        elif not product.active:
            problems.append(
                Problem(number, "product", row.get("product", ""), str(services.INACTIVE_PRODUCT))
            )
        dose_number = _number(row.get("number"))
        if dose_number is None:
            message = _("The dose number is not a whole number from 1 to 9.")
            problems.append(Problem(number, "number", row.get("number", ""), message))
        booster_text = str(row.get("booster") or "").strip().lower()
        if booster_text not in YES | NO:
            message = _("Booster is 是 or 否 (empty: 否).")
            problems.append(Problem(number, "booster", row.get("booster", ""), message))
        texts = {}
        for key in ("lot", "site"):
            texts[key] = str(row.get(key) or "").strip()
            limit = Dose._meta.get_field(key).max_length
            if not texts[key] or len(texts[key]) > limit:
                message = _("Required, at most %(n)s characters.") % {"n": limit}
                problems.append(Problem(number, key, row.get(key, ""), message))
        manufacturer = str(row.get("manufacturer") or "").strip()[:100]
        if len(problems) == before:  # the row passed every check of its own
            booster = booster_text in YES
            parsed.append((row, id_number, day, product, dose_number, booster, texts, manufacturer))

    visible = core_access.residents_for(user)
    residents = {}
    ids = sorted({p[1] for p in parsed})
    for start in range(0, len(ids), LOOKUP_BATCH):
        batch = ids[start : start + LOOKUP_BATCH]
        residents.update((r.id_number, r) for r in visible.filter(id_number__in=batch))
    recorded = set()
    pks = [r.pk for r in residents.values()]
    for start in range(0, len(pks), LOOKUP_BATCH):
        batch = pks[start : start + LOOKUP_BATCH]
        recorded.update(
            Dose.objects.filter(resident_id__in=batch).values_list("resident_id", "day")
        )

    plan, seen = [], {}
    for row, id_number, day, product, dose_number, booster, texts, manufacturer in parsed:
        resident = residents.get(id_number)
        if resident is None:
            message = _("No resident of yours has this ID number.")
            problems.append(Problem(row["row"], "id_number", row["id_number"], message))
            continue
        problem = services.day_problem(day, birth=birth_date_of(resident.id_number), today=today)
        if problem:
            problems.append(Problem(row["row"], "day", row["day"], problem))
            continue
        key = (resident.pk, day)
        if key in seen:
            message = _("Repeats row %(row)s.") % {"row": seen[key]}
            problems.append(Problem(row["row"], "", "", message))
            continue
        seen[key] = row["row"]
        if key in recorded:
            problems.append(Problem(row["row"], "day", row["day"], str(services.REPEATED_DAY)))
            continue
        plan.append(
            Dose(
                resident=resident,
                day=day,
                product=product,
                manufacturer=manufacturer or product.manufacturer,
                number=dose_number,
                booster=booster,
                **texts,
            )
        )
    problems.sort(key=lambda p: p.row)
    return problems, plan


def doses_store(user, plan) -> int:
    return services.doses_import(doses=plan, by=user)


register_import(
    ImportKind(
        name="doses",
        title=gettext_lazy("Vaccination doses"),
        columns=("id_number", "day", "product", "lot", "site", "number"),
        optional=("name", "manufacturer", "booster"),
        headings={
            "id_number": ID_HEADINGS,
            "name": ("姓名",),
            "day": ("接种日期",),
            "product": ("疫苗", "疫苗产品", "疫苗名称"),
            "manufacturer": ("生产企业", "生产厂家"),
            "lot": ("批号", "疫苗批号"),
            "site": ("接种单位", "接种点"),
            "number": ("剂次",),
            "booster": ("加强针", "是否加强"),
        },
        check=doses_check,
        store=doses_store,
        allowed=access.can_record_doses,
        example={
            "id_number": "11010519491231002X",
            "name": "张三",
            "day": "2022-03-28",
            "product": "bbibp",
            "manufacturer": "北京生物制品研究所",
            "lot": "202201A015",
            "site": "小店区人民医院接种点",
            "number": "3",
            "booster": "是",
        },
        help=gettext_lazy(
            "One row a dose: the product by its code or its name in the table; a second "
            "dose of a person on one day is refused. The status follows from the doses."
        ),
        describe=lambda plan: _("%(n)s doses") % {"n": len(plan)},
    )
)
