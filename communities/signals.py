"""Receivers of the core's own signals, connected in apps.py."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .access import SERVED_GRIDS
from .models import User


@receiver(m2m_changed, sender=User.grids.through, dispatch_uid="served_grids_forgotten")
def served_grids_forgotten(sender, instance, **kwargs):
    """A user's grids changed through that user object: the ids access.served_grid_ids
    kept on it are out of date. (Changed from the grid's side, `grid.user_set.add()`, the
    user objects are not at hand; a request reads its user afresh.)"""
    instance.__dict__.pop(SERVED_GRIDS, None)
