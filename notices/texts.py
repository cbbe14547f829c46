"""The text of each kind of notice. Residents get SMS, staff get in-app notices and
e-mail; both are rendered in the portal's language (Chinese), whatever language the
request or worker that creates them runs in, because the text is stored and sent as is."""

from datetime import date, datetime

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Notice

Kind = Notice.Kind

# Carriers require the sender's signature in 【】 at the start of a text message.
SMS_SIGNATURE = _("[%(city)s epidemic prevention and control]")

SMS = {
    Kind.TEST_DUE_TOMORROW: _(
        "Your nucleic-acid test is due tomorrow (%(due)s); please have your sample taken on time."
    ),
    Kind.TEST_OVERDUE: _(
        "Your nucleic-acid test was due on %(due)s and has not been taken; please have your "
        "sample taken today."
    ),
    Kind.MEASURE_ENDS_TOMORROW: _(
        "Your control measure ends tomorrow (%(end)s); if there is no anomaly, it is released "
        "on %(release)s."
    ),
    Kind.BOOSTER_DUE: _(
        "You completed the full course of COVID-19 vaccination on %(full_course)s; your "
        "booster is due. Please have it at a vaccination site near you soon."
    ),
}

STAFF = {
    Kind.PROPOSAL_DECIDED: _(
        "Your proposal to change %(name)s (%(grid)s) to %(to)s was %(decision)s: %(note)s"
    ),
    Kind.ANOMALY: _("Anomaly: %(name)s (%(grid)s): %(kind)s, %(detail)s"),
    Kind.ANOMALY_WITHDRAWN: _(
        "Withdrawn: %(name)s (%(grid)s): the result (%(detail)s) was recorded by mistake and "
        "withdrawn by %(by)s; the anomaly it raised is closed."
    ),
    Kind.CODES_CHANGED: _(
        "Re-assessed after %(title)s: in your grids %(red)s turned red and "
        "%(yellow)s turned yellow. See your work list."
    ),
    Kind.DECISION_REVIEW: _(
        "Re-assessed after %(title)s: %(count)s arrivals in your district would get a stricter "
        "code, but a person's decision on the code stands. No code was written; see the "
        "review tasks."
    ),
    Kind.TEST_DUE_TOMORROW: _("%(name)s (%(grid)s): nucleic-acid test due tomorrow (%(due)s)."),
    Kind.TEST_OVERDUE: _("%(name)s (%(grid)s): the nucleic-acid test due on %(due)s is overdue."),
    Kind.FOLLOWUP_MISSING: _(
        "%(name)s (%(grid)s): today's follow-up (%(day)s) is not recorded yet."
    ),
    Kind.APPEAL_20H: _(
        "The appeal of %(name)s (%(grid)s), filed %(filed)s, is still unresolved; it must be "
        "resolved by %(due)s."
    ),
    Kind.APPEAL_OVERDUE: _(
        "Overdue: the appeal of %(name)s (%(grid)s), filed %(filed)s, was not resolved by %(due)s."
    ),
    Kind.SHOP_REINSPECTION_DUE: _(
        "%(shop)s (%(address)s) is closed under a red placard; joint group %(group)s may "
        "re-inspect it from %(due)s."
    ),
    Kind.BOOSTER_DUE: _(
        "%(name)s (%(grid)s): full course of vaccination on %(full_course)s, the booster is due."
    ),
    Kind.EXPORT_READY: _(
        "Your export %(title)s (%(rows)s rows) is ready under My exports; it is kept for "
        "%(days)s days."
    ),
    Kind.STREET_DIGEST: _(
        "%(street)s, %(day)s: %(red)s red and %(yellow)s yellow codes, %(tests)s overdue "
        "tests, %(appeals)s open appeals, %(tasks)s overdue tasks; %(red_shops)s shops under "
        "a red placard, %(shops_due)s of them due for re-inspection."
    ),
}


def _formatted(params: dict) -> dict:
    out = {}
    for key, value in params.items():
        if isinstance(value, datetime):
            value = formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        elif isinstance(value, date):
            value = formats.date_format(value, "DATE_FORMAT")
        out[key] = value
    return out


def sms_text(kind: str, *, city: str, **params) -> str:
    """A resident's text message: the signature, then the kind's text."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(SMS_SIGNATURE) % {"city": city} + str(SMS[kind]) % _formatted(params)


def staff_text(kind: str, /, **params) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(STAFF[kind]) % _formatted(params)


def email_subject(kind: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return f"{_('Grid management portal')} · {Notice.Kind(kind).label}"
