"""Routes: the list and the bell, opening and marking read, the settings page, and the devices' subscriptions."""

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from intranet.access.permissions import public, requires
from intranet.errors import Invalid
from intranet.extensions import csrf
from intranet.forms import form_status
from intranet.listing import paginate_request
from intranet.notifications import blueprint, preferences, service, subscriptions
from intranet.notifications.forms import MarkReadForm, RemoveDeviceForm, SettingsForm
from intranet.notifications.kinds import kinds_for
from intranet.notifications.vapid import application_server_key
from intranet.rendering import render, render_fragment, wants_fragment
from intranet.unit_of_work import attempt

DEVICE_COOKIE = "push_device"  # which subscription this browser is, so signing out here removes it
DEVICE_COOKIE_DAYS = 400
CHANGED = "notifications-changed"  # an htmx event: the bell asks for its count again


def _with_changed_trigger(response):
    response.headers["HX-Trigger"] = CHANGED
    return response


@blueprint.route("/notifications")
@requires("account.use")
def index():
    page = paginate_request(service.list_for(current_user))
    return render("notifications/index.html", fragments={"notification-list": "notifications/_list.html"}, page=page)


@blueprint.route("/notifications/bell")
@requires("account.use")
def bell():
    return render_fragment("notifications/_bell.html")


@blueprint.route("/notifications/<int:notification_id>/open")
@requires("account.use")
def open_(notification_id: int):
    """Where a notification's click (in the list or on the device) leads: read, then its page."""
    notification = service.get_notification(current_user, notification_id)
    service.mark_read(current_user, notification)
    link = notification.link if notification.link.startswith("/") and not notification.link.startswith("//") else "/"
    return redirect(link, code=303)


@blueprint.route("/notifications/<int:notification_id>/read", methods=["POST"])
@requires("account.use")
def mark_read(notification_id: int):
    notification = service.get_notification(current_user, notification_id)
    if not MarkReadForm().validate_on_submit():
        raise Invalid(_("This form has expired. Reload the page and try again."))
    service.mark_read(current_user, notification)
    if wants_fragment():
        return _with_changed_trigger(render_fragment("notifications/_item.html", notification=notification))
    return redirect(url_for("notifications.index"), code=303)


@blueprint.route("/notifications/read-all", methods=["POST"])
@requires("account.use")
def mark_all_read():
    if not MarkReadForm().validate_on_submit():
        raise Invalid(_("This form has expired. Reload the page and try again."))
    count = service.mark_all_read(current_user)
    flash(_("%(n)d notifications marked as read.", n=count), "success")
    return redirect(url_for("notifications.index"), code=303)


# Settings


@blueprint.route("/notifications/settings", methods=["GET", "POST"])
@requires("account.use")
def settings():
    saved = preferences.settings_of(current_user.id)
    form = SettingsForm(
        data={
            "push_kinds": preferences.pushed_kinds(saved, kinds_for(current_user)),
            "quiet_from": saved.quiet_from,
            "quiet_until": saved.quiet_until,
            "no_details": saved.no_details,
        }
        if request.method == "GET"
        else None
    ).offer_kinds_of(current_user)
    if form.validate_on_submit():
        data = preferences.SettingsData(
            push_kinds=form.push_kinds.data or [],
            quiet_from=form.quiet_from.data,
            quiet_until=form.quiet_until.data,
            no_details=form.no_details.data,
        )
        if attempt(form, lambda: preferences.save_settings(current_user, data)) is not None:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for("notifications.settings"), code=303)
    devices = subscriptions.devices_of(current_user)
    return render(
        "notifications/settings.html",
        status=form_status(form),
        form=form,
        devices=devices,
        this_device_known=device_of_this_browser() in {device.id for device in devices},
        remove_form=RemoveDeviceForm(),
        server_key=application_server_key(),
    )


@blueprint.route("/notifications/devices/remove", methods=["POST"])
@requires("account.use")
def remove_device():
    form = RemoveDeviceForm()
    if not form.validate_on_submit():
        raise Invalid(_("Choose a device."))
    subscriptions.remove_device(current_user, form.device_id.data)
    flash(_("That device no longer receives your notifications."), "success")
    return redirect(url_for("notifications.settings"), code=303)


# The browser's side of push: JSON from static/js/push-settings.js and the service worker


def _subscription_data(body) -> subscriptions.SubscriptionData:
    if not isinstance(body, dict) or not isinstance(body.get("keys"), dict):
        raise Invalid(_("This browser's push subscription cannot be used."))
    keys = body["keys"]
    values = (body.get("endpoint"), keys.get("p256dh"), keys.get("auth"))
    if not all(isinstance(value, str) for value in values):
        raise Invalid(_("This browser's push subscription cannot be used."))
    return subscriptions.SubscriptionData(*values, user_agent=request.user_agent.string or "")


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="push-device")


@blueprint.route("/notifications/devices", methods=["POST"])
@requires("account.use")
def subscribe():
    """This browser now receives the user's pushes; its renewal token is shown this once."""
    data = _subscription_data(request.get_json(silent=True))
    device, token = subscriptions.subscribe(current_user, data)
    response = jsonify(device=device.id, renew_token=token)
    response.status_code = 201
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(device.id),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@blueprint.route("/notifications/devices/unsubscribe", methods=["POST"])
@requires("account.use")
def unsubscribe():
    body = request.get_json(silent=True)
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if not isinstance(endpoint, str):
        raise Invalid(_("This browser's push subscription cannot be used."))
    subscriptions.unsubscribe(current_user, endpoint)
    response = current_app.response_class(status=204)
    response.delete_cookie(DEVICE_COOKIE)
    return response


@blueprint.route("/notifications/devices/renew", methods=["POST"])
@public
@csrf.exempt  # the service worker has no session, maybe no sign-in: the renewal token is the proof
def renew():
    body = request.get_json(silent=True)
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, str):
        raise Invalid(_("This browser's push subscription cannot be used."))
    subscriptions.renew(token, _subscription_data(body.get("subscription")))
    return current_app.response_class(status=204)


def device_of_this_browser() -> int | None:
    """The subscription this browser registered (from its signed cookie), if any."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        device_id = _device_serializer().loads(value)
    except BadSignature:
        return None
    return device_id if isinstance(device_id, int) else None
