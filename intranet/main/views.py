"""Routes: the role-aware home page and a health check for load balancers."""

from flask import jsonify
from flask_login import current_user
from sqlalchemy import text

from intranet.access.permissions import public, requires
from intranet.extensions import db
from intranet.kb.reading import to_read_count
from intranet.main import blueprint
from intranet.navigation import navigation_for
from intranet.rendering import render


@blueprint.route("/")
@requires("account.use")
def index():
    return render("main/index.html", tiles=navigation_for(current_user), kb_to_read=to_read_count(current_user))


@blueprint.route("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
