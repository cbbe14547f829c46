"""Checks of uploaded inspection photos: by their content, not their name."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}


def validate_photo(upload) -> None:
    """A JPEG or PNG image no larger than SHOP_PHOTO_MAX_BYTES; Pillow reads the file's
    header and checks its structure, so a renamed PDF or a truncated image is refused."""
    limit = settings.SHOP_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The photo is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The photo must be a JPEG or PNG image."), code="not_image"
        ) from None
    finally:
        upload.seek(0)
    if kind not in PHOTO_FORMATS:
        raise ValidationError(_("The photo must be a JPEG or PNG image."), code="not_image")


def photo_renamed(upload):
    """The (validated) upload under a name of our own with the extension of its content:
    the client's name is not trusted, and the photo view serves the file by extension."""
    upload.seek(0)
    with Image.open(upload) as image:
        extension = PHOTO_FORMATS[image.format]
    upload.seek(0)
    upload.name = f"{uuid.uuid4().hex}.{extension}"
    return upload
