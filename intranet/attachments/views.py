"""Routes: an attachment's bytes and its thumbnail, for users who may see what it belongs to."""

from flask import make_response, request
from flask_login import current_user

from intranet.access.permissions import requires
from intranet.attachments import blueprint, service


def _send(attachment, body: bytes, content_type: str):
    etag = f'"{attachment.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response = make_response("", 304)
    else:
        response = make_response(body)
        response.headers["Content-Type"] = content_type
    response.headers["ETag"] = etag
    # The bytes of an attachment never change (a new upload is a new id): cache hard, privately.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response


@blueprint.route("/attachments/<int:attachment_id>")
@requires("account.use")
def show(attachment_id: int):
    attachment = service.get_attachment(current_user, attachment_id)
    return _send(attachment, attachment.data, attachment.content_type)


@blueprint.route("/attachments/<int:attachment_id>/thumbnail")
@requires("account.use")
def thumbnail(attachment_id: int):
    attachment = service.get_attachment(current_user, attachment_id)
    content_type = "image/png" if attachment.content_type == "image/png" else "image/jpeg"
    return _send(attachment, attachment.thumbnail, content_type)
