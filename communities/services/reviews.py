"""The district's review tasks (DecisionReview): a stricter re-assessment met a person's
decision that stands, so no code was written (DOMAIN.md section 5). The district office
turns one into a manual change proposal, which the city decides as usual, or keeps the
decision."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..models import CodeChangeProposal, DecisionReview, User
from ..selectors_review import review_citation
from .lifecycle import proposal_create


def _open_review(review: DecisionReview, by: User) -> DecisionReview:
    """The review's row, locked, if `by` may handle it and it is still open."""
    if not access.can_handle_reviews(by):
        raise PermissionDenied(_("Review tasks are handled by the district prevention office."))
    # only the task's row is locked: its announcement and decision are outer joins
    review = (
        DecisionReview.objects.select_for_update(of=("self",))
        .select_related("resident", "announcement", "person_decision__by")
        .get(pk=review.pk)
    )
    if review.state != DecisionReview.State.OPEN:
        raise ValidationError(_("This review task was already handled."))
    return review


@transaction.atomic
def review_propose(*, review: DecisionReview, reason: str, by: User) -> CodeChangeProposal:
    """Propose the code the re-assessment gives as a manual change, in one step: the
    reason cites the announcement and the review task (added if the district's text left
    it out); the task is marked proposed and points to the proposal."""
    review = _open_review(review, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the proposal."))
    citation = review_citation(review)
    if citation not in reason:
        reason = f"{citation}\n{reason}"
    proposal = proposal_create(resident=review.resident, to_code=review.code, reason=reason, by=by)
    review.state, review.proposal = DecisionReview.State.PROPOSED, proposal
    review.handled_by, review.handled_at = by, timezone.now()
    review.save(update_fields=["state", "proposal", "handled_by", "handled_at"])
    return proposal


@transaction.atomic
def review_keep(*, review: DecisionReview, note: str, by: User) -> DecisionReview:
    """Keep the person's decision: no code changes; the note says why."""
    review = _open_review(review, by)
    note = note.strip()
    if not note:
        raise ValidationError(_("Say why the decision is kept."))
    review.state, review.note = DecisionReview.State.KEPT, note
    review.handled_by, review.handled_at = by, timezone.now()
    review.save(update_fields=["state", "note", "handled_by", "handled_at"])
    return review
