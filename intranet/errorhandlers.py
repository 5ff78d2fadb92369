"""Turn domain errors and HTTP errors into clear pages, or short messages for htmx requests."""

from urllib.parse import quote

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from intranet.errors import DomainError
from intranet.extensions import db


def _titles():
    return {
        400: _("Bad request"),
        401: _("Please sign in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Not allowed"),
        409: _("Conflict"),
        413: _("Too large"),
        422: _("Please check your input"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }


def _default_messages():
    return {
        400: _("The request could not be understood."),
        403: _("You are not allowed to see this page."),
        404: _("There is nothing at this address. It may have been removed."),
        405: _("This address does not accept that kind of request."),
        413: _("The upload is too large."),
        500: _("The server failed to answer. Nothing was saved; please try again."),
    }


def error_response(status: int, message: str | None = None):
    message = message or _default_messages().get(status, _("The request could not be completed."))
    title = _titles().get(status, _("Error"))
    if request.headers.get("HX-Request") == "true":
        # app.js shows this header as a message. htmx swaps some error answers (base.html's
        # responseHandling: 409, 422, 429) as HTML, and a message may quote the input: escape it.
        response = make_response(str(escape(message)), status)
        response.headers["X-Message"] = quote(message)
        return response
    if request.accept_mimetypes.best == "application/json":
        return {"error": message}, status
    return make_response(render_template("errors/error.html", status=status, title=title, message=message), status)


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return error_response(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        db.session.rollback()
        return error_response(
            400, _("This form has expired or did not come from this site. Reload the page and try again.")
        )

    @app.errorhandler(IntegrityError)
    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error: IntegrityError | StaleDataError):
        # A unique key raced by a twin request, or two saves of one versioned record: the later one
        # must not overwrite the first.
        db.session.rollback()
        return error_response(409, _("Someone changed this at the same time. Reload the page and try again."))

    @app.errorhandler(DataError)
    def data_error(error: DataError):
        # A last line of defence: forms refuse such input before it reaches the database.
        db.session.rollback()
        return error_response(422, _("Some of the input cannot be stored. Check it and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        return error_response(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return error_response(500)
