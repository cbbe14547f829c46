from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models import Jurisdiction
from communities.validators import validate_mobile


class Shop(models.Model):
    """A shop on the street's register (商铺), inspected in the street sweep."""

    class Kind(models.TextChoices):
        PHARMACY = "pharmacy", _("Pharmacy")
        RESTAURANT = "restaurant", _("Restaurant")
        SUPERMARKET = "supermarket", _("Supermarket")
        CLOTHING = "clothing", _("Clothing")
        BARBER = "barber", _("Barber and beauty")
        HOTEL = "hotel", _("Hotel")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed for rectification")

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    grid = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="shops",
        limit_choices_to={"level": Jurisdiction.Level.GRID},
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    licence_number = models.CharField(_("licence number"), max_length=32, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=11, blank=True, validators=[validate_mobile]
    )
    venue_code_posted = models.BooleanField(_("venue code posted"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "name", "address"], name="shop_unique_per_grid"
            ),
        ]

    def __str__(self):
        return self.name
