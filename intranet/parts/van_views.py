"""The technician's "my van" page: what the van holds, kept on the tablet like Today."""

from flask import url_for
from flask_login import current_user

from intranet.access.permissions import can, requires
from intranet.offline.pages import offline_pages
from intranet.parts import blueprint, service
from intranet.rendering import render


@offline_pages
def _van_on_the_road(user) -> list[str]:
    return [url_for("parts.my_van")] if can(user, "parts.van") else []


@blueprint.route("/parts/my-van")
@requires("parts.van")
def my_van():
    view = service.my_van(current_user)
    return render("parts/my_van.html", van=view.van, stock=view.stock, moves=view.moves)
