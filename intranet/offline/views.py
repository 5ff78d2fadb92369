"""Routes: the service worker, the offline fallback page, the outbox page, the pages to keep."""

from flask import current_app, jsonify, make_response, render_template, url_for
from flask_login import current_user

from intranet.access.permissions import public, requires
from intranet.offline import blueprint
from intranet.offline.assets import SHELL_FILES, asset_version
from intranet.offline.pages import pages_for
from intranet.rendering import render


@blueprint.route("/sw.js")
@public
def service_worker():
    """Served from the root so its scope is the whole app; its text changes with every deployment."""
    source = current_app.static_folder + "/js/sw.js"
    with open(source, encoding="utf-8") as handle:
        script = handle.read()
    shell = [url_for("static", filename=name) for name in SHELL_FILES] + [url_for("offline.offline_page")]
    script = script.replace("__VERSION__", asset_version()).replace("__SHELL__", repr(shell).replace("'", '"'))
    response = make_response(script)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blueprint.route("/offline")
@public
def offline_page():
    """What the service worker shows for a page it never kept."""
    return render_template("offline/offline.html")


@blueprint.route("/outbox")
@requires("account.use")
def outbox():
    return render("offline/outbox.html")


@blueprint.route("/offline/pages")
@requires("account.use")
def pages():
    """The URLs this user should have on the tablet when the network goes."""
    urls = [url_for("main.index"), url_for("offline.outbox"), *pages_for(current_user)]
    response = jsonify(urls=urls, version=asset_version(), user=current_user.id)
    response.headers["Cache-Control"] = "no-store"
    return response
