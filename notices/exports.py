"""The inbox as an export (导出): the user's own notices, as the list shows them."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from transfers.registry import Column, ExportList, register

from . import selectors


def notice_rows(user, params: QueryDict):
    return selectors.notice_list(user=user)


def notice_columns(user):
    return [
        Column(_("created at"), lambda n: n.created_at),
        Column(_("kind"), lambda n: n.get_kind_display()),
        Column(_("text"), lambda n: n.text),
        Column(_("read at"), lambda n: n.read_at),
    ]


register(ExportList(name="notices", title=_("Notices"), rows=notice_rows, columns=notice_columns))
