"""Reads of the district's review tasks (DecisionReview: a stricter re-assessment that a
person's decision stands against) and the words that describe one. Lists start from
communities.access."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access
from .models import DecisionReview, HealthCode, PersonDecision, User


def decision_review_list(*, user: User, state: str = "") -> QuerySet[DecisionReview]:
    """The user's review tasks, the longest waiting first, with everything a row shows;
    `state` is one of DecisionReview.State or empty for all."""
    reviews = access.reviews_for(user).select_related(
        "resident__grid__parent",
        "announcement",
        "arrival",
        "person_decision__by",
        "handled_by",
        "proposal",
    )
    if state in DecisionReview.State.values:
        reviews = reviews.filter(state=state)
    return reviews.order_by("created_at", "pk")


def review_effect(review: DecisionReview) -> str:
    """What the re-assessment would do: 公告《…》将使其转为红码（R1）."""
    params = {"code": HealthCode(review.code).label, "rule": review.rule}
    if review.announcement_id:
        return _("The announcement “%(title)s” would change the code to %(code)s (%(rule)s)") % {
            **params,
            "title": review.announcement.title,
        }
    return _("The re-assessment would change the code to %(code)s (%(rule)s)") % params


def decision_summary(decision: PersonDecision | None) -> str:
    """The person's decision in one line: kind, code, when, by whom, why."""
    if decision is None:
        return "—"
    return _("%(kind)s: %(code)s, %(at)s, %(by)s (%(reason)s)") % {
        "kind": decision.get_kind_display(),
        "code": decision.get_code_display(),
        "at": timezone.localtime(decision.at).strftime("%Y-%m-%d %H:%M"),
        "by": decision.by,
        "reason": decision.reason,
    }


def review_citation(review: DecisionReview) -> str:
    """The reason a proposal made from a review task starts with: the announcement, the
    review task and the decision it meets."""
    return _(
        "Review task %(number)s: %(effect)s; the person's decision that stands: %(decision)s."
    ) % {
        "number": f"#{review.pk}",
        "effect": review_effect(review),
        "decision": decision_summary(review.person_decision),
    }
