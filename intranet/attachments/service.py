"""Storing uploaded images safely and deciding who may fetch them.

The type comes from the bytes (Pillow decodes them), never from the client's name or header; the
size is capped before decoding and the pixel count while decoding, so a small file that unpacks to
gigapixels (a decompression bomb) is refused instead of eating the server's memory.
"""

import hashlib
import io
import warnings
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from intranet.attachments.models import Attachment
from intranet.errors import Invalid, NotAllowed, NotFound
from intranet.extensions import db

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # a 1600 px photo is 2 MP; a 40 MP camera original is still fine
THUMBNAIL_SIZE = (320, 320)

# owner_type -> check(actor, owner_id) -> bool, registered by the module that owns the files.
_access_rules: dict[str, Callable[[object, int], bool]] = {}


def access_rule(owner_type: str):
    def register(rule):
        _access_rules[owner_type] = rule
        return rule

    return register


def _decode(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_PIXELS
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise Invalid(_("Only JPEG, PNG or WebP images can be attached."))
            image.load()
            return image
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise Invalid(_("This image has too many pixels to be stored.")) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise Invalid(_("This file is not an image we can read.")) from error
        finally:
            Image.MAX_IMAGE_PIXELS = previous


def _thumbnail(image: Image.Image, image_format: str) -> bytes:
    thumb = ImageOps.exif_transpose(image)
    thumb.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    if image_format == "PNG":
        thumb.save(out, "PNG", optimize=True)
    else:
        thumb.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def check_image(data: bytes, filename: str = "") -> tuple[Image.Image, str]:
    """Validate an upload; return the decoded image and its real content type."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        raise Invalid(
            _("%(name)s is larger than %(mb)d MB.", name=filename or _("The file"), mb=limit // (1024 * 1024))
        )
    if not data:
        raise Invalid(_("%(name)s is empty.", name=filename or _("The file")))
    image = _decode(data)
    return image, ALLOWED_FORMATS[image.format]


def store_image(actor, owner_type: str, owner_id: int, kind: str, data: bytes, filename: str = "") -> Attachment:
    image, content_type = check_image(data, filename)
    attachment = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        kind=kind,
        content_type=content_type,
        filename=filename[:200],
        size=len(data),
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        thumbnail=_thumbnail(image, image.format),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def get_attachment(actor, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("No such file."))
    rule = _access_rules.get(attachment.owner_type)
    if rule is None or not rule(actor, attachment.owner_id):
        raise NotAllowed(_("You are not allowed to see this file."))
    return attachment


def attachments_of(owner_type: str, owner_id: int, kind: str | None = None) -> list[Attachment]:
    statement = db.select(Attachment).where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
    if kind:
        statement = statement.where(Attachment.kind == kind)
    return list(db.session.scalars(statement.order_by(Attachment.id)))
