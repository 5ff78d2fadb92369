"""Storing uploaded images safely and deciding who may fetch them.

The type comes from the bytes (Pillow decodes them), never from the client's name or header; the
size is capped before decoding and the pixel count while decoding, so a small file that unpacks to
gigapixels (a decompression bomb) is refused instead of eating the server's memory.
"""

import hashlib
import io
import warnings

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from intranet.access import scoping
from intranet.attachments.models import Attachment
from intranet.errors import Invalid, NotAllowed
from intranet.extensions import db

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # a 1600 px photo is 2 MP; a 40 MP camera original is still fine
THUMBNAIL_SIZE = (320, 320)

# Set once for the whole process, never per upload: threads decode side by side. Pillow refuses
# beyond twice this on its own; _decode refuses beyond it from the header, before decoding.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

# owner_type -> the model whose rows own such files; who may see a file is who may see its owner.
_owners: dict[str, type] = {}


def owned_by(owner_type: str, model: type) -> None:
    """Declare that files of `owner_type` belong to rows of `model` (registered with scoping)."""
    _owners[owner_type] = model


def owner_of(attachment: Attachment):
    model = _owners.get(attachment.owner_type)
    return db.session.get(model, attachment.owner_id) if model is not None else None


def _decode(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ALLOWED_FORMATS:
            raise Invalid(_("Only JPEG, PNG or WebP images can be attached."))
        if image.width * image.height > MAX_PIXELS:
            raise Invalid(_("This image has too many pixels to be stored."))
        image.load()
        return image
    except Image.DecompressionBombError as error:
        raise Invalid(_("This image has too many pixels to be stored.")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise Invalid(_("This file is not an image we can read.")) from error


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


def _may_see(actor, attachment: Attachment, _permission=None) -> bool:
    owner = owner_of(attachment)
    return owner is not None and scoping.allows(actor, owner)


def _branch_of(attachment: Attachment) -> int | None:
    owner = owner_of(attachment)
    return scoping.branch_of(owner) if owner is not None else None


scoping.register(
    Attachment,
    id_param="attachment_id",
    branch=None,
    allows=_may_see,
    branch_of=_branch_of,
    not_found=_l("No such file."),
)


def get_attachment(actor, attachment_id: int) -> Attachment:
    try:
        return scoping.get(actor, Attachment, attachment_id)
    except NotAllowed:
        raise NotAllowed(_("You are not allowed to see this file.")) from None


def attachments_of(owner_type: str, owner_id: int, kind: str | None = None) -> list[Attachment]:
    statement = db.select(Attachment).where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
    if kind:
        statement = statement.where(Attachment.kind == kind)
    return list(db.session.scalars(statement.order_by(Attachment.id)))
