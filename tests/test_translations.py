"""Every string of the portal is translated to Chinese, and the committed .mo is current."""

import ast
import gettext
import re
import tomllib
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalog_matches_the_po_file():
    po = polib.pofile(str(LOCALE / "django.po"))
    with (LOCALE / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    for entry in po.translated_entries():
        if entry.msgid_plural:  # Chinese has one form (nplurals=1)
            found = (
                catalog.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                if entry.msgctxt
                else catalog.ngettext(entry.msgid, entry.msgid_plural, 1)
            )
            assert found == entry.msgstr_plural[0], entry.msgid
            continue
        found = (
            catalog.pgettext(entry.msgctxt, entry.msgid)
            if entry.msgctxt
            else catalog.gettext(entry.msgid)
        )
        assert found == entry.msgstr, entry.msgid


# --- Every string marked in the code is in the catalogue (issue 13) ---------------------------

ROOT = LOCALE.parents[2]
# every app of the project: the import graph's packages (pyproject.toml), so a new app
# is read without being added here
APPS = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
)
CALLS = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "pgettext": ("msgctxt", "msgid"),
    "pgettext_lazy": ("msgctxt", "msgid"),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "npgettext": ("msgctxt", "msgid", "plural"),
    "npgettext_lazy": ("msgctxt", "msgid", "plural"),
}
TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\((u'(?:[^'\\]|\\.)*'(?:\s*,\s*u'(?:[^'\\]|\\.)*')*)")
LITERAL = re.compile(r"u'(?:[^'\\]|\\.)*'")


def _python_messages():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                roles = CALLS.get(node.func.id)
                if not roles or len(node.args) < len(roles):
                    continue
                values = node.args[: len(roles)]
                if all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values):
                    found = dict(zip(roles, (v.value for v in values), strict=True))
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", found


def _template_messages():
    from django.utils.translation.template import templatize

    for path in (ROOT / "templates").rglob("*.html"):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for match in TEMPLATE_CALL.finditer(code):
            roles = CALLS[match.group(1)]
            values = [ast.literal_eval(v) for v in LITERAL.findall(match.group(2))][: len(roles)]
            yield str(path.relative_to(ROOT)), dict(zip(roles, values, strict=True))


def test_every_string_marked_in_the_code_is_translated_in_the_catalogue():
    """Catches a string added to the code but not to the catalogue (the .po is kept by
    hand between `make messages` runs), which would show in English on a Chinese page."""
    po = polib.pofile(str(LOCALE / "django.po"))
    known = {(e.msgctxt, e.msgid) for e in po.translated_entries()}
    missing = sorted(
        f"{where}: {found['msgid']!r}"
        for where, found in (*_python_messages(), *_template_messages())
        if (found.get("msgctxt"), found["msgid"]) not in known
    )
    assert missing == []
