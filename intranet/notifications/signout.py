"""Signing out on a device stops its pushes for that person: a shared tablet tells the next user nothing
of the last one's work."""

from flask import after_this_request
from flask_login import user_logged_out

from intranet.notifications import subscriptions
from intranet.notifications.views import DEVICE_COOKIE, device_of_this_browser


@user_logged_out.connect
def forget_this_device(_app, user=None, **_extra) -> None:
    device_id = device_of_this_browser()
    if device_id is None:
        return
    if user is not None:
        subscriptions.forget_device(user.id, device_id)

    @after_this_request
    def clear_cookie(response):
        response.delete_cookie(DEVICE_COOKIE)
        return response
