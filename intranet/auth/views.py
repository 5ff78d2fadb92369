"""Routes: login, logout, password change, language, and a fresh CSRF token for offline replay."""

from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from intranet.access.permissions import public, requires
from intranet.auth import blueprint, service
from intranet.auth.forms import LocaleForm, LoginForm, PasswordChangeForm
from intranet.errors import Invalid
from intranet.rendering import render
from intranet.templating import format_moment
from intranet.unit_of_work import keep_despite_error


def _safe_next(target: str | None) -> str:
    """Only follow ?next= within this site, so the login page cannot bounce users elsewhere."""
    # Browsers read a backslash as a slash ("/\evil.example" goes to another host) and drop tabs and
    # newlines inside a URL: a target with any of them is refused, not repaired.
    if target and not any(c == "\\" or ord(c) < 32 or ord(c) == 127 for c in target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.login.data, form.password.data, request.remote_addr or "")
        except service.LockedOut as locked:
            form.form_errors.append(
                _(
                    "Too many failed attempts. You can try again at %(time)s.",
                    time=format_moment(locked.until),
                )
            )
            status = 429
        except Invalid as error:
            keep_despite_error()  # the failed attempt counts towards the lock-out
            form.form_errors.append(error.message)
            status = 422
        else:
            service.start_sign_in(user, remember=form.remember.data)
            login_user(user, remember=form.remember.data)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")), code=303)
    elif form.is_submitted():
        status = 422
    return render("auth/login.html", status=status, form=form)


@blueprint.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        service.end_sign_in(current_user)
    logout_user()
    session.pop("locale", None)
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), code=303)


@blueprint.route("/account/password", methods=["GET", "POST"])
@requires("account.use")
def change_password():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current.data, form.new.data)
        except Invalid as error:
            form.current.errors.append(error.message)
            status = 422
        else:
            login_user(current_user._get_current_object())  # re-issue the session under the new auth_version
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"), code=303)
    elif form.is_submitted():
        status = 422
    return render("auth/password.html", status=status, form=form)


@blueprint.route("/account/locale", methods=["POST"])
@public
def set_locale():
    form = LocaleForm()
    if not form.validate_on_submit():
        raise Invalid(_("Unknown language."))
    if current_user.is_authenticated:
        service.set_locale(current_user, form.locale.data)
    session["locale"] = form.locale.data
    return redirect(_safe_next(request.form.get("next")), code=303)


@blueprint.route("/auth/csrf-token")
@public
def csrf_token():
    """A token read at request time: cached pages carry stale ones, the outbox asks here before replay.

    Nobody signed in gets no token: making one would start a session, and a replay asking here while the
    person signs in would replace the sign-in page's session (and its token) with its own.
    """
    signed_in = current_user.is_authenticated
    response = jsonify(
        token=generate_csrf() if signed_in else None,
        authenticated=signed_in,
        user=current_user.id if signed_in else None,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
