from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities import routes, rules, selectors_review
from communities.models import DecisionReview, NucleicAcidTest

register = template.Library()

MEASURE_KINDS = {
    "centralized_quarantine": _("Centralized quarantine"),
    "home_quarantine": _("Home quarantine"),
    "home_health_monitoring": _("Home health monitoring"),
    "self_health_monitoring": _("Self health monitoring"),
}
CODES = {"green": _("Green code"), "yellow": _("Yellow code"), "red": _("Red code")}
CODE_BADGES = {"green": "text-bg-success", "yellow": "text-bg-warning", "red": "text-bg-danger"}
TEST_KINDS = dict(NucleicAcidTest.Kind.choices)


@register.filter
def get(mapping, key):
    """`mapping[key]` for a key held in a variable (a registered figure's, communities.figures)."""
    return mapping.get(key)


@register.filter
def measure_kind(value):
    return MEASURE_KINDS.get(value, value)


@register.filter
def code_label(value):
    return CODES.get(value, value)


@register.filter
def code_badge(value):
    return CODE_BADGES.get(value, "text-bg-secondary")


@register.filter
def test_kind(value):
    return TEST_KINDS.get(value, value)


@register.filter
def masked_id(value):
    return rules.mask_id_number(value or "")


@register.filter
def masked_phone(value):
    return rules.mask_phone(value or "")


@register.filter
def masked_name(value):
    return rules.mask_name(value or "")


IDENTITY_LABELS = {"name": pgettext_lazy("person", "Name"), "phone": _("Phone")}


@register.filter
def identity_rows(changes, full=False):
    """An identity change's {"field": [before, after]} as (label, before, after) rows,
    masked as lists mask them unless `full`."""
    return [
        (IDENTITY_LABELS.get(field, field), before, after)
        for field, before, after in rules.identity_change_rows(changes, full=full)
    ]


@register.filter
def days_label(measure):
    """ "14+7" from a decision's measure list."""
    return "+".join(str(phase["days"]) for phase in measure or [])


RULE_LABELS = {"anomaly": _("anomaly"), "manual": _("manual")}


@register.filter
def rule_label(value):
    """R1…R7 as they are; the system's own rules in words."""
    return RULE_LABELS.get(value, value)


@register.filter
def review_effect(review):
    """公告《…》将使其转为红码（R1）: what a review task's re-assessment would do."""
    return selectors_review.review_effect(review)


@register.filter
def review_citation(review):
    """The reason a proposal from this review task starts with."""
    return selectors_review.review_citation(review)


@register.filter
def review_state(review):
    """A review task's state as the resident's history tells it."""
    if review.state == DecisionReview.State.OPEN:
        return _("sent to the district for review")
    return review.get_state_display()


@register.simple_tag
def url_of(figure, node):
    """The list behind a registered figure's count for `node` (a breakdown's row)."""
    return figure.list_url(node)


@register.filter
def row_url(pk, name):
    """`{% url name pk %}` for the rows of a long list: the route `name` (one integer
    argument) is reversed once a process and the row's pk put in its place; a page of 50
    residents spent 5 ms of its time reversing the same route (issue 14)."""
    return routes.route_with_pk(name, pk)


@register.filter
def missing_day_links(row, record_url):
    """The links to record each missing day of a follow-up row (CareRow.missing_days),
    built here in one pass: a 50-row page holds a thousand of them."""
    return format_html_join(
        "",
        '<a class="link-danger ms-1 text-nowrap" href="{}?day={}">{}</a>',
        ((record_url, day, label) for day, label in row.missing_days),
    )
