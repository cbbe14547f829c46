"""What shops puts on the home page (registered with communities.figures by ShopsConfig):
the joint group's sweep for its members, and the red shops due for re-inspection in the
street supervisor's inbox. Both start from shops.access."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.access import role_of
from communities.figures import Panel, Waiting
from communities.models import User

from . import access, selectors
from .models import Placard

Role = User.Role

# The counts of the group's sweep (selectors.sweep_filters), in the order shown; each opens
# the worklist narrowed to it (?show=).
SWEEP_COUNTS = (
    ("to_inspect", _("To inspect")),
    ("reminded", _("Under a rectification reminder")),
    ("red", _("Red placard")),
    ("red_due", _("Re-inspection due")),
)


def worklist_url(show: str) -> str:
    return f"{reverse('sweep:worklist')}?show={show}"


def group_sweep(user) -> Panel | None:
    """An inspector's sweep (always, their home page's main part); a grid worker's when a
    group they are in has shops today."""
    role = role_of(user)
    if role not in {Role.INSPECTOR, Role.GRID_WORKER}:
        return None
    counts = selectors.sweep_summary(access.groups_joined(user), timezone.localdate())
    if role == Role.GRID_WORKER and not counts["total"]:
        return None
    items = [
        Waiting(label, counts[key], worklist_url(key), f"sweep-{key.replace('_', '-')}")
        for key, label in SWEEP_COUNTS
    ]
    return Panel(key="sweep", title=_("Your group's sweep"), items=items)


def red_shops_due(user) -> list[Waiting]:
    """The street supervisor decides on red placards (DOMAIN.md section 1): the red shops
    of the street due for re-inspection today or before wait in the inbox, as in the
    morning digest (shops.reminders)."""
    if role_of(user) != Role.STREET_SUPERVISOR:
        return []
    today = timezone.localdate()
    due = access.shops_for(user).filter(placard=Placard.RED, reinspection_due__lte=today)
    url = f"{reverse('shops:shop-list')}?placard={Placard.RED}&reinspection=due"
    return [Waiting(_("Red shops due for re-inspection"), due.count(), url, "shops-red-due")]
