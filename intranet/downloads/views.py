"""Routes: a background export's file, for the person who asked for it (a page saying how it goes until then)."""

from flask import Response
from flask_login import current_user

from intranet import clock
from intranet.access.permissions import requires
from intranet.downloads import blueprint, service
from intranet.downloads.models import FileStatus
from intranet.exporting import FORMATS
from intranet.rendering import render


@blueprint.route("/exports/<int:export_file_id>")
@requires("account.use")
def fetch(export_file_id: int):
    export_file = service.get_file(current_user, export_file_id, clock.now())
    if export_file.status != FileStatus.READY:
        return render("downloads/waiting.html", export_file=export_file)
    response = Response(service.chunks_of(export_file), mimetype=FORMATS[export_file.file_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{export_file.file_name}"'
    response.headers["Content-Length"] = str(export_file.size)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response
