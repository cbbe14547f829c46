"""Every string of the portal is translated to Chinese, and the committed .mo is current."""

import gettext
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
