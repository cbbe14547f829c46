"""Checks of uploaded inspection photos: by their content, not their name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communities.uploads import image_reencoded

NOT_A_PHOTO = _("The photo must be a JPEG or PNG image.")


def photo_cleaned(upload):
    """A JPEG or PNG image no larger than SHOP_PHOTO_MAX_BYTES, decoded and re-encoded
    under a name of our own (the client's name is not trusted, and the photo view serves
    the file by its extension); a renamed PDF, a truncated image or a pixel bomb is
    refused."""
    limit = settings.SHOP_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The photo is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"},
            code="too_large",
        )
    return image_reencoded(upload, not_image=NOT_A_PHOTO)
