"""The announcement's Excel template (issue 13): download it, fill it in, upload it on the
import path (issue 15: communities/imports.py checks every row with the editor's forms).
The workbook's rows then become the rows of the page editor (forms_announcements), where
each one is checked as if typed there and corrected or confirmed one by one; nothing is
published from the file itself."""

import io

from django import forms
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from .forms_announcements import LISTS, MAX_ROWS, rule_order
from .models import RiskLevel
from .rules.policy import MEASURE_LABELS, RULES_WITH_MEASURES

# The sheet of the title and date, and that of each list: (sheet, [(heading, field)]).
HEADER_SHEET = "公告"
HEADER_ROWS = (("标题", "title"), ("生效日期", "effective"))
SHEETS = {
    "risk_areas": (
        "风险区域",
        [
            ("风险等级", "level"),
            ("省", "province"),
            ("市", "city"),
            ("县区", "county"),
            ("街道", "street"),
            ("小区", "area"),
        ],
    ),
    "case_counties": (
        "病例县区",
        [("省", "province"), ("市", "city"), ("县区", "county"), ("街道", "street")],
    ),
    "epidemic_cities": ("涉疫城市", [("省", "province"), ("市", "city"), ("起始日期", "since")]),
    "measures": ("措施调整", [("规则", "rule"), ("措施", "kind"), ("天数", "days")]),
}
# A cell's words for a choice: the label in Chinese, or the value of the JSON file.
LEVEL_WORDS = {
    **{str(label): value for value, label in RiskLevel.choices},
    "高": RiskLevel.HIGH,
    "中": RiskLevel.MEDIUM,
}
KIND_WORDS = {label: kind.value for kind, label in MEASURE_LABELS.items()}
GUIDE = (
    "每张表的第一行是列名，请勿改动；从第二行起每行一条。",
    "省、市、县区请按国家行政区划的全称填写（如“吉林省”“吉林市”“船营区”）；直辖市的“市”填直辖市本身（如“上海市”）。",
    "不在官方区划表中的名称，上传后会在页面上逐行标出，请改正或逐条确认。",
    "风险等级填“高风险”或“中风险”；日期填 2022-03-28 这样的格式。",
    "措施调整：同一规则的几个阶段按先后顺序各占一行；不调整的规则不填。",
    "上传后先在页面上检查和预览，确认后才发布。",
)


def template_workbook(initial: dict | None = None) -> bytes:
    """The template as .xlsx bytes; filled with `initial` (the editor's initial values
    of an announcement) when given, so that a change starts from the one in force."""
    initial = initial or {}
    book = Workbook()
    head = book.active
    head.title = HEADER_SHEET
    bold = Font(bold=True)
    head.append(["项目", "内容"])
    for label, name in HEADER_ROWS:
        head.append([label, initial.get(name, "")])
    head.column_dimensions["B"].width = 40
    for key, (title, columns) in SHEETS.items():
        sheet = book.create_sheet(title)
        sheet.append([heading for heading, _field in columns])
        labels = {
            "level": {value: str(label) for value, label in RiskLevel.choices},
            "kind": MEASURE_LABELS,
        }
        for row in initial.get(key, []):
            sheet.append([labels.get(f, {}).get(row.get(f), row.get(f, "")) for _h, f in columns])
        for index in range(len(columns)):
            sheet.cell(1, index + 1).font = bold
            sheet.column_dimensions[chr(ord("A") + index)].width = 14
        _choices_in(sheet, columns)
    guide = book.create_sheet("填写说明")
    for line in GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    for cell in head[1]:
        cell.font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices_in(sheet, columns) -> None:
    """Excel's own drop-downs for the columns with a fixed list of words."""
    lists = {
        "level": [str(label) for _value, label in RiskLevel.choices],
        "kind": list(MEASURE_LABELS.values()),
        "rule": sorted(RULES_WITH_MEASURES, key=rule_order),
    }
    for index, (_heading, field) in enumerate(columns):
        if field in lists:
            column = chr(ord("A") + index)
            rule = DataValidation(type="list", formula1='"' + ",".join(lists[field]) + '"')
            rule.add(f"{column}2:{column}{MAX_ROWS + 1}")
            sheet.add_data_validation(rule)


def _day(text: str) -> str:
    """A date cell: Excel keeps a typed date as a date and time at midnight."""
    return text[:10] if text.endswith(" 00:00") else text


def editor_data(sheets: dict[str, list[list[str]]]) -> dict:
    """The page editor's form data from a workbook's sheets; a missing sheet or column,
    or a sheet longer than the page takes, is the file's error."""
    return rows_editor_data(sheet_rows(sheets))


def sheet_rows(sheets: dict[str, list[list[str]]]) -> list[dict]:
    """The workbook's rows as the import path reads them: the title and date (sheet 公告,
    rows 2 and 3), then each list's rows, each a dict with its `sheet` (the sheet's name),
    its `row` number there and its cells by field. A list sheet without its columns, or
    longer than the page takes, is the file's error."""
    rows: list[dict] = []
    head = {
        line[0].strip(): (number, line[1] if len(line) > 1 else "")
        for number, line in enumerate(sheets.get(HEADER_SHEET, [])[1:], start=2)
        if line
    }
    for label, name in HEADER_ROWS:
        number, value = head.get(label, (0, ""))
        rows.append({"sheet": HEADER_SHEET, "row": number, name: value})
    for title, columns in SHEETS.values():
        lines = sheets.get(title)
        found = []
        if lines:
            header = [h.strip() for h in lines[0]]
            missing = [h for h, _f in columns if h not in header]
            if missing:
                raise forms.ValidationError(
                    _("The sheet %(sheet)s lacks the columns %(missing)s.")
                    % {"sheet": title, "missing": "、".join(missing)}
                )
            where = {f: header.index(h) for h, f in columns}
            for number, line in enumerate(lines[1:], start=2):
                if not any(c.strip() for c in line):
                    continue
                cells = {f: (line[i].strip() if i < len(line) else "") for f, i in where.items()}
                found.append({"sheet": title, "row": number, **cells})
        if len(found) > MAX_ROWS:
            raise forms.ValidationError(
                _(
                    "The sheet %(sheet)s has more than %(max)s rows; an announcement this "
                    "long is published as a JSON file."
                )
                % {"sheet": title, "max": MAX_ROWS}
            )
        rows += found
    return rows


def rows_editor_data(rows: list[dict], *, confirm_places: bool = False) -> dict:
    """The page editor's form data from sheet_rows' rows, each list row with its `source`
    (sheet and row) so that its errors can be found in the file; with `confirm_places`,
    names not on the official division list are taken as confirmed (the import path's dry
    run notes them instead, and the editor asks for each)."""
    data: dict[str, str] = {}
    for row in rows:
        if row["sheet"] == HEADER_SHEET:
            for _label, name in HEADER_ROWS:
                if name in row:
                    data[name] = _day(row[name]) if name == "effective" else row[name]
    for key, (title, _columns) in SHEETS.items():
        prefix = LISTS[key][0]
        listed = [row for row in rows if row["sheet"] == title]
        data[f"{prefix}-TOTAL_FORMS"] = str(len(listed))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(listed))
        for index, row in enumerate(listed):
            cells = {f: v for f, v in row.items() if f not in ("sheet", "row")}
            if "level" in cells:
                cells["level"] = LEVEL_WORDS.get(cells["level"], cells["level"])
            if "kind" in cells:
                cells["kind"] = KIND_WORDS.get(cells["kind"], cells["kind"])
            cells["source"] = _("%(sheet)s, row %(row)s") % {"sheet": title, "row": row["row"]}
            if confirm_places and key != "measures":
                cells["confirm_place"] = "on"
            for field, value in cells.items():
                data[f"{prefix}-{index}-{field}"] = _day(value) if field == "since" else value
    return data
