"""The communities' kinds of file for the one import path (transfers): residents (new),
nucleic-acid test results, big-data pushes, and the announcement's Excel template. Each
checks every row with the checks of its form (ID number checksum, mobile, dates, places,
the user's jurisdiction), reports duplicates within the file and against the database, and
writes nothing; its store writes the checked plan, inside the import's transaction (all
rows or none). The announcement is stored nowhere by the import: it goes on in its editor."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transfers.registry import ImportKind, Problem, Refused, register_import

from . import access, announcement_sheets, rules, services
from .announcements import flatten_errors
from .forms_announcements import MAX_ROWS, AnnouncementEditor
from .models import SAMPLED_FROM_BEFORE_DUE, Jurisdiction, NucleicAcidTest, Resident
from .serializers import PushPersonIn
from .services.imports import LOOKUP_BATCH, RESULT_WORDS, SampledAtProblem, sampled_at_of
from .uploads import xlsx_sheets
from .validators import id_number_message, validate_mobile

Result = NucleicAcidTest.Result
BATCH = 2000  # rows written at a time

ID_HEADINGS = ("身份证号", "身份证号码", "证件号码")
PHONE_HEADINGS = ("手机号", "手机号码", "联系电话")


def _batches(values: list, size: int = LOOKUP_BATCH):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _id_number(row: dict, problems: list[Problem], *, today) -> str | None:
    """The row's ID number, normalised, or None with its problem noted."""
    raw = row.get("id_number", "")
    id_number = rules.normalize_id_number(raw)
    problem = rules.id_number_problem(id_number, today=today)
    if problem:
        problems.append(Problem(row["row"], "id_number", raw, id_number_message(problem)))
        return None
    return id_number


def _repeats(problems: list[Problem], row: dict, first: int) -> None:
    problems.append(Problem(row["row"], "", "", _("Repeats row %(row)s.") % {"row": first}))


# --- Nucleic-acid test results ----------------------------------------------------------------


def results_check(user, rows: list[dict]):
    """Each row: a valid ID number of one of the user's residents, a sample time not in
    the future, a result (阴性/阳性); not twice in the file, not recorded before, and a
    pending test to take it (the latest due on or before the sample day, else the
    earliest). The plan: (test, result, sampled at) per row."""
    now = timezone.now()
    today = timezone.localdate(now)
    problems: list[Problem] = []
    parsed = []
    for row in rows:
        number = row["row"]
        id_number = _id_number(row, problems, today=today)
        try:
            sampled_at = sampled_at_of(row.get("sampled_at"))
            if sampled_at > now:
                raise SampledAtProblem(_("The sample time is in the future."))
        except SampledAtProblem as problem:
            problems.append(Problem(number, "sampled_at", row.get("sampled_at", ""), str(problem)))
            sampled_at = None
        result = RESULT_WORDS.get(str(row.get("result") or "").strip().lower())
        if result is None:
            message = _("The result is neither negative nor positive (阴性/阳性).")
            problems.append(Problem(number, "result", row.get("result", ""), message))
        if id_number and sampled_at and result:
            parsed.append((row, id_number, sampled_at, result))

    visible = access.residents_for(user)
    residents: dict[str, Resident] = {}
    for batch in _batches(sorted({p[1] for p in parsed})):
        residents.update((r.id_number, r) for r in visible.filter(id_number__in=batch))
    ids = [r.pk for r in residents.values()]
    recorded, pending = set(), defaultdict(list)
    for batch in _batches(ids):
        tests = NucleicAcidTest.objects.filter(resident_id__in=batch)
        recorded.update(
            tests.exclude(result=Result.PENDING)
            .filter(sampled_at__isnull=False)
            .values_list("resident_id", "sampled_at")
        )
        for pk, resident_id, due in (
            tests.filter(result=Result.PENDING)
            .order_by("due", "pk")
            .values_list("pk", "resident_id", "due")
        ):
            pending[resident_id].append((due, pk))

    plan, seen = [], {}
    for row, id_number, sampled_at, result in parsed:
        resident = residents.get(id_number)
        if resident is None:
            # The same words for "no such person" and "not yours": an import reveals
            # nothing about other grids.
            message = _("No resident of yours has this ID number.")
            problems.append(Problem(row["row"], "id_number", row["id_number"], message))
            continue
        key = (resident.pk, sampled_at)
        if key in seen:
            _repeats(problems, row, seen[key])
            continue
        seen[key] = row["row"]
        if key in recorded:
            message = _("A sample of this person at this time is already recorded.")
            problems.append(Problem(row["row"], "sampled_at", row["sampled_at"], message))
            continue
        tests = pending[resident.pk]
        day = timezone.localdate(sampled_at)
        before = [t for t in tests if t[0] <= day]
        chosen = max(before) if before else (tests[0] if tests else None)
        if chosen is None:
            message = _("This person has no pending test.")
            problems.append(Problem(row["row"], "id_number", row["id_number"], message))
            continue
        earliest = chosen[0] - SAMPLED_FROM_BEFORE_DUE
        if day < earliest:  # the service's rule (test_result_record), checked here first
            message = _(
                "The sample time is before %(earliest)s: a test due %(due)s is sampled "
                "from the day before it is due."
            ) % {"earliest": earliest.isoformat(), "due": chosen[0].isoformat()}
            problems.append(Problem(row["row"], "sampled_at", row["sampled_at"], message))
            continue
        tests.remove(chosen)
        plan.append((chosen[1], result, sampled_at))
    problems.sort(key=lambda p: p.row)
    return problems, plan


def results_store(user, plan) -> int:
    """Record each planned result (test_result_record: a positive raises an anomaly,
    R4's third negative releases the code)."""
    for batch in _batches(plan):
        tests = NucleicAcidTest.objects.select_related("resident").in_bulk([p[0] for p in batch])
        for pk, result, sampled_at in batch:
            services.test_result_record(
                test=tests[pk], result=result, sampled_at=sampled_at, by=user
            )
    return len(plan)


# --- Residents (new) ------------------------------------------------------------------------


def _grids_by_name(user) -> dict[tuple[str, str], int]:
    """The user's grids by (community name, grid name)."""
    return {
        (community, name): pk
        for pk, name, community in access.grids_for(user).values_list("pk", "name", "parent__name")
    }


def _grids_elsewhere(places: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (community, grid) names a grid of the city has: a row naming one is
    "not in your area", any other "no such grid". Names only, never a row of another's
    area (so not through access.py, as places.py reads the official division list)."""
    communities = {community for community, _grid in places}
    found = Jurisdiction.objects.filter(
        level=Jurisdiction.Level.GRID, parent__name__in=communities
    ).values_list("parent__name", "name")
    return places & set(found)


def residents_check(user, rows: list[dict]):
    """Each row: a name, a valid ID number, a mobile number, and a grid of the user's (by
    community and grid name; one outside their area is an error naming it). An ID number
    twice in the file or already registered is reported, never merged."""
    today = timezone.localdate()
    mine = _grids_by_name(user)
    problems: list[Problem] = []
    plan, seen, outside = [], {}, []
    for row in rows:
        number = row["row"]
        name = row.get("name", "").strip()
        if not name or len(name) > 50:
            problems.append(Problem(number, "name", name, _("A name of 1 to 50 characters.")))
        id_number = _id_number(row, problems, today=today)
        phone = row.get("phone", "").strip()
        try:
            validate_mobile(phone)
        except ValidationError as error:
            problems.append(Problem(number, "phone", phone, " ".join(error.messages)))
            phone = None
        place = (row.get("community", "").strip(), row.get("grid", "").strip())
        grid_id = mine.get(place)
        if grid_id is None:
            outside.append((number, place))
        address = row.get("address", "").strip()
        if len(address) > 200:
            problems.append(Problem(number, "address", address, _("At most 200 characters.")))
        if id_number and id_number in seen:
            _repeats(problems, row, seen[id_number])
            continue
        if id_number:
            seen[id_number] = number
        if name and id_number and phone is not None and grid_id and len(address) <= 200:
            plan.append(
                dict(name=name, id_number=id_number, phone=phone, address=address, grid_id=grid_id)
            )
    elsewhere = _grids_elsewhere({place for _number, place in outside})
    for number, place in outside:
        if place in elsewhere:
            message = _("%(grid)s of %(community)s is not in your area.")
        else:
            message = _("There is no grid %(grid)s in %(community)s.")
        text = message % {"grid": place[1], "community": place[0]}
        problems.append(Problem(number, "grid", "/".join(place), text))
    known = set()
    for batch in _batches(sorted(seen)):
        known.update(
            Resident.objects.filter(id_number__in=batch).values_list("id_number", flat=True)
        )
    for id_number in known:
        message = _("This ID number is already registered: the person is not added again.")
        problems.append(Problem(seen[id_number], "id_number", id_number, message))
    plan = [values for values in plan if values["id_number"] not in known]
    problems.sort(key=lambda p: p.row)
    return problems, plan


def residents_store(user, plan) -> int:
    """Register the planned residents (the service: green, counted in their grids)."""
    return services.residents_register(residents=plan)


# --- Big-data pushes ----------------------------------------------------------------------------


def _community_ref(value: str, by_name: dict[tuple[str, str], int]) -> int | str | None:
    """A community named by its number or as 街道/社区 (looked up in `by_name`)."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    street, _sep, name = value.rpartition("/")
    # an unknown name stays a name and fails validation as one
    return by_name.get((street.strip(), name.strip()), value)


def pushes_check(user, rows: list[dict]):
    """Each row as the API's push (PushPersonIn): a reason, an ID number or a phone, a
    community of the user's by its number or as 街道/社区."""
    communities = access.jurisdictions_for(user).filter(level=Jurisdiction.Level.COMMUNITY)
    visible = access.residents_for(user)
    by_name = {
        (street, name): pk
        for pk, name, street in communities.values_list("pk", "name", "parent__name")
    }
    problems: list[Problem] = []
    plan = []
    for row in rows:
        person = {
            key: value
            for key, value in {
                "id_number": row.get("id_number", ""),
                "phone": row.get("phone", ""),
                "name": row.get("name", ""),
                "reason": row.get("reason", ""),
                "community": _community_ref(row.get("community", ""), by_name),
            }.items()
            if value is not None
        }
        data = PushPersonIn(data=person)
        data.fields["community"].queryset = communities
        if data.is_valid():
            plan.append((row["row"], data.validated_data))
            continue
        for message in flatten_errors(data.errors):
            key, sep, text = message.partition(": ")
            column = key if sep and key in row else ""
            problems.append(
                Problem(row["row"], column, row.get(column, ""), text if sep else message)
            )
    # push_receive's rule, for the whole file at once: a person not among the user's
    # residents (by ID number, else phone) needs a community to be searched in
    unplaced = [(n, v) for n, v in plan if v["community"] is None]
    ids = sorted({v["id_number"] for _n, v in unplaced if v["id_number"]})
    phones = sorted({v["phone"] for _n, v in unplaced if not v["id_number"]})
    known_ids, known_phones = set(), set()
    for batch in _batches(ids):
        known_ids.update(visible.filter(id_number__in=batch).values_list("id_number", flat=True))
    for batch in _batches(phones):
        known_phones.update(visible.filter(phone__in=batch).values_list("phone", flat=True))
    for number, values in unplaced:
        known = values["id_number"] in known_ids or (
            not values["id_number"] and values["phone"] in known_phones
        )
        if not known:
            message = _("Unknown person: name the community to search in.")
            problems.append(Problem(number, "community", "", message))
    problems.sort(key=lambda p: p.row)
    return problems, plan


def pushes_store(user, plan) -> int:
    """A task per person (push_receive); a person who cannot be placed refuses the file."""
    visible = access.residents_for(user)
    for number, person in plan:
        try:
            services.push_receive(by=user, visible=visible, **person)
        except ValidationError as error:
            raise Refused([Problem(number, "", "", " ".join(error.messages))]) from error
    return len(plan)


register_import(
    ImportKind(
        name="residents",
        title=gettext_lazy("Residents"),
        columns=("name", "id_number", "phone", "community", "grid"),
        optional=("address",),
        headings={
            "name": ("姓名",),
            "id_number": ID_HEADINGS,
            "phone": PHONE_HEADINGS,
            "community": ("社区",),
            "grid": ("网格",),
            "address": ("住址", "地址", "现住址"),
        },
        check=residents_check,
        store=residents_store,
        allowed=access.works_with_residents,
        example={
            "name": "张三",
            "id_number": "11010519491231002X",
            "phone": "13912345678",
            "community": "通达街社区",
            "grid": "第1网格",
            "address": "通达街1号",
        },
        help=gettext_lazy("New residents of your grids, each with the health code green."),
    ),
    ImportKind(
        name="test-results",
        title=gettext_lazy("Nucleic-acid test results"),
        columns=("id_number", "sampled_at", "result"),
        headings={
            "id_number": ID_HEADINGS,
            "sampled_at": ("采样时间",),
            "result": ("检测结果", "结果"),
        },
        check=results_check,
        store=results_store,
        allowed=access.can_file_arrivals,
        example={
            "id_number": "11010519491231002X",
            "sampled_at": "2022-04-01 09:30",
            "result": "阴性",
        },
        help=gettext_lazy(
            "A laboratory's or sampling point's results: each fills the person's pending test "
            "(a positive result raises an anomaly)."
        ),
    ),
    ImportKind(
        name="pushes",
        title=gettext_lazy("Big-data push"),
        columns=("reason",),
        optional=("id_number", "phone", "name", "community"),
        headings={
            "reason": ("推送原因", "原因"),
            "id_number": ID_HEADINGS,
            "phone": PHONE_HEADINGS,
            "name": ("姓名",),
            "community": ("社区",),
        },
        check=pushes_check,
        store=pushes_store,
        allowed=access.can_push,
        example={
            "reason": "时空伴随",
            "id_number": "11010519491231002X",
            "phone": "13912345678",
            "name": "张三",
            "community": "小店街道/通达街社区",
        },
        help=gettext_lazy(
            "Each known resident gets a temporary yellow code (R7) and a verification task due "
            "in 24 hours; a person not yet registered becomes a task to find them in the "
            "community given."
        ),
    ),
)


# --- The announcement's Excel template ----------------------------------------------------------


def announcement_read(data: bytes, name: str) -> list[dict]:
    """The template's rows (sheet 公告, then each list's sheet), refused whole when it is
    not the template (no workbook, a list without its columns, no row at all)."""
    if not name.lower().endswith(".xlsx"):
        raise ValidationError(_("The announcement's template is an Excel .xlsx workbook."))
    rows = announcement_sheets.sheet_rows(xlsx_sheets(data, MAX_ROWS))
    if not any(row["sheet"] != announcement_sheets.HEADER_SHEET for row in rows) and not any(
        row.get("title") for row in rows
    ):
        raise ValidationError(_("The file has no rows below its header."))
    return rows


def announcement_check(user, rows: list[dict]):
    """Every row checked by the announcement editor's own forms, as if typed there: the
    problems by sheet, row and column; a name not on the official division list is a
    note, not a problem (the editor asks for each to be confirmed)."""
    editor = AnnouncementEditor(announcement_sheets.rows_editor_data(rows, confirm_places=True))
    editor.is_valid()
    problems: list[Problem] = []
    head = {name: row for row in rows for name in ("title", "effective") if name in row}
    for name, messages in editor.header.errors.items():
        row = head.get(name, {"row": 0, name: ""})
        column = f"{announcement_sheets.HEADER_SHEET}·{editor.header.fields[name].label}"
        problems += [Problem(row["row"], column, row.get(name, ""), m) for m in messages]
    for key, (_heading, formset) in editor.lists.items():
        title, _columns = announcement_sheets.SHEETS[key]
        listed = [row for row in rows if row["sheet"] == title]
        for index, form in enumerate(formset.forms):
            row = listed[index]
            for field, messages in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                column = f"{title}·{label}" if label else title
                problems += [Problem(row["row"], column, row.get(field, ""), m) for m in messages]
            if getattr(form, "off_list_names", False):
                names = "/".join(
                    row.get(f, "") for f in ("province", "city", "county") if row.get(f)
                )
                problems.append(Problem(row["row"], title, names, str(OFF_LIST), blocking=False))
    problems += [Problem(0, "", "", message) for message in editor.errors]
    return problems, None


OFF_LIST = gettext_lazy(
    "Not on the official division list: confirm it in the editor, or correct the file."
)


register_import(
    ImportKind(
        name="announcement",
        title=gettext_lazy("Risk-area announcement (Excel template)"),
        columns=(),
        headings={
            "sheet": ("工作表",),
            "row": ("行",),
            **{name: (label,) for label, name in announcement_sheets.HEADER_ROWS},
            **{
                field: (heading,)
                for _title, columns in announcement_sheets.SHEETS.values()
                for heading, field in columns
            },
        },
        check=announcement_check,
        store=None,
        read=announcement_read,
        template=announcement_sheets.template_workbook,
        proceed=lambda record: reverse("communities:announcement-create") + f"?import={record.pk}",
        allowed=access.can_publish_announcements,
        help=gettext_lazy(
            "The template's sheets (公告, 风险区域, 病例县区, 涉疫城市, 措施调整), every row "
            "checked as in the editor. Nothing is published from here: a file without a "
            "problem goes on in the announcement editor, which shows its impact before you "
            "publish."
        ),
    ),
)
