"""Signing in and out, the lock-out, remember-me, password change and CSRF, through HTTP."""

from intranet.access.roles import Role
from intranet.auth.models import LoginAttempt
from tests.conftest import TEST_PASSWORD, page_text


def test_login_lands_on_the_home_page_and_greets_the_user(client, make_user):
    user = make_user(Role.TECHNICIAN, name="张伟")
    response = client.login(user)
    assert response.headers["Location"] == "/"
    assert "张伟" in page_text(client.get("/", headers={"Accept-Language": "en"}))


def test_wrong_password_says_so_and_keeps_the_login(client, make_user):
    user = make_user(login="zhang.wei")
    response = client.post_form("/login", {"login": "zhang.wei", "password": "nope"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Wrong login or password." in page_text(response)
    assert 'value="zhang.wei"' in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert user.active


def test_login_is_case_insensitive_and_ignores_surrounding_spaces(client, make_user):
    make_user(login="li.jing")
    response = client.post_form("/login", {"login": "  Li.Jing ", "password": TEST_PASSWORD})
    assert response.status_code == 303


def test_five_failures_lock_the_account_with_a_time_it_lifts(client, make_user, db_session):
    user = make_user(login="locked.out")
    for _ in range(5):
        client.post_form("/login", {"login": "locked.out", "password": "wrong"})
    response = client.post_form(
        "/login", {"login": "locked.out", "password": TEST_PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 429
    assert "Too many failed attempts. You can try again at" in page_text(response)
    assert client.get("/").status_code == 302  # the right password did not get in while locked
    assert db_session.query(LoginAttempt).filter_by(login=user.login, succeeded=True).count() == 0


def test_the_lock_out_is_per_account_other_users_still_sign_in(client, make_user):
    make_user(login="victim")
    other = make_user(login="colleague")
    for _ in range(5):
        client.post_form("/login", {"login": "victim", "password": "wrong"})
    assert client.post_form("/login", {"login": other.login, "password": TEST_PASSWORD}).status_code == 303


def test_an_address_guessing_many_logins_is_locked(app, client, make_user):
    target = make_user(login="real.user")
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        client.post_form("/login", {"login": f"guess{n}", "password": "wrong"})
    response = client.post_form("/login", {"login": target.login, "password": TEST_PASSWORD})
    assert response.status_code == 429


def test_remember_me_sets_a_lasting_cookie_only_when_asked(app, make_user):
    user = make_user()
    plain = app.test_client()
    plain.login(user)
    assert plain.get_cookie("remember_token") is None
    tablet = app.test_client()
    tablet.login(user, remember=True)
    cookie = tablet.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only and cookie.expires is not None


def test_logout_ends_the_session(client, make_user):
    client.login(make_user())
    response = client.post_form("/logout")
    assert response.status_code == 303
    assert client.get("/").status_code == 302


def test_a_deactivated_user_cannot_sign_in_and_is_told_why(client, make_user):
    make_user(login="gone", active=False)
    response = client.post_form(
        "/login", {"login": "gone", "password": TEST_PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "deactivated" in page_text(response)


def test_next_only_redirects_within_the_site(client, make_user):
    user = make_user()
    response = client.post_form("/login?next=https://evil.example/", {"login": user.login, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"
    client.post_form("/logout")
    response = client.post_form("/login?next=/customers", {"login": user.login, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/customers"


def test_anonymous_htmx_requests_are_sent_to_login_with_a_full_navigation(client):
    response = client.get("/customers", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_password_change_needs_the_current_password(client, make_user):
    client.login(make_user())
    response = client.post_form(
        "/account/password",
        {"current": "wrong", "new": "new-secret-9", "confirm": "new-secret-9"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "The current password is wrong." in page_text(response)


def test_password_change_rejects_short_or_mismatched_passwords(client, make_user):
    client.login(make_user())
    short = client.post_form("/account/password", {"current": TEST_PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 422
    mismatch = client.post_form(
        "/account/password",
        {"current": TEST_PASSWORD, "new": "long-enough-1", "confirm": "long-enough-2"},
        headers={"Accept-Language": "en"},
    )
    assert mismatch.status_code == 422
    assert "The two new passwords differ." in page_text(mismatch)


def test_password_change_works_and_signs_out_other_devices(app, make_user):
    user = make_user()
    phone, tablet = app.test_client(), app.test_client()
    phone.login(user)
    tablet.login(user, remember=True)
    response = phone.post_form(
        "/account/password", {"current": TEST_PASSWORD, "new": "brand-new-42", "confirm": "brand-new-42"}
    )
    assert response.status_code == 303
    assert phone.get("/").status_code == 200  # the device that changed it stays signed in
    assert tablet.get("/").status_code == 302  # the other session and its remember cookie are void
    fresh = app.test_client()
    fresh.login(user, password="brand-new-42")


def test_a_post_without_csrf_token_is_refused_with_a_clear_message(client, make_user):
    user = make_user()
    response = client.post(
        "/login", data={"login": user.login, "password": TEST_PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "This form has expired or did not come from this site." in page_text(response)
    assert client.get("/").status_code == 302


def test_the_csrf_token_endpoint_is_never_cached(client, make_user):
    client.login(make_user())
    response = client.get("/auth/csrf-token")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["token"]


def test_nobody_signed_in_gets_no_token_and_no_session(app):
    """A replay asking while someone signs in must not start a session that replaces the sign-in page's."""
    response = app.test_client().get("/auth/csrf-token")
    assert response.get_json() == {"authenticated": False, "token": None, "user": None}
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


# Trust (issue 12): what a hostile or careless use of sign-in must not achieve.


def test_an_unknown_login_costs_the_same_hash_work_as_a_known_one(app, client, make_user, db_session, monkeypatch):
    """Timing must not tell a valid login from an unknown one: both check a hash of the method real passwords use."""
    from werkzeug.security import check_password_hash

    from intranet.auth import service

    checked = []

    def spying_check(pwhash, password):
        checked.append(pwhash.split(":", 1)[0])
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(service, "check_password_hash", spying_check)
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")  # the production default, not the tests' fast one
    known = make_user(login="known.user")
    with app.app_context():
        known.password_hash = service.hash_password(TEST_PASSWORD)
    db_session.commit()
    client.post_form("/login", {"login": "known.user", "password": "wrong"})
    client.post_form("/login", {"login": "nobody.here", "password": "wrong"})
    assert checked == ["scrypt", "scrypt"]


def _copy_cookies(source, target, names=("session", "remember_token")):
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def test_signing_out_ends_that_devices_session_and_remember_cookie_on_the_server(app, make_user):
    user = make_user()
    tablet = app.test_client()
    tablet.login(user, remember=True)

    def copy_of(names):
        copy = app.test_client()
        _copy_cookies(tablet, copy, names)
        return copy

    assert copy_of(["session"]).get("/").status_code == 200  # copies of a live sign-in work, as they must
    assert copy_of(["remember_token"]).get("/").status_code == 200
    stolen_session, stolen_remember = copy_of(["session"]), copy_of(["remember_token"])
    other_device = app.test_client()
    other_device.login(user, remember=True)

    assert tablet.post_form("/logout").status_code == 303
    assert stolen_session.get("/").status_code == 302  # the old session cookie is void
    assert stolen_remember.get("/").status_code == 302  # so is the remember-me cookie copied before
    assert other_device.get("/").status_code == 200  # another device's sign-in is its own


def test_a_success_from_an_address_does_not_reset_its_failure_count(app, client, make_user):
    """Someone guessing logins cannot clear the per-address lock-out by signing in to an account they own."""
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    own = make_user(login="guessers.own")
    for n in range(limit - 1):
        client.post_form("/login", {"login": f"guess{n}", "password": "wrong"})
    client.login(own)
    client.post_form("/logout")
    client.post_form("/login", {"login": "one.more.guess", "password": "wrong"})
    response = client.post_form("/login", {"login": own.login, "password": TEST_PASSWORD})
    assert response.status_code == 429


def test_next_with_a_backslash_or_a_control_character_stays_on_the_site(client, make_user):
    user = make_user()
    for target in ("/\\evil.example", "/\\/evil.example", "/\t/evil.example", "/%0a"):
        response = client.post_form(f"/login?next={target}", {"login": user.login, "password": TEST_PASSWORD})
        client.post_form("/logout")
        assert response.headers["Location"] == "/", target


def test_a_background_request_never_puts_an_older_session_back(app, make_user):
    """The service worker's update check sent before a sign-in answers after it: its answer must not carry
    the session cookie it was sent with, or the person is signed out at once. Pages still refresh it."""
    client = app.test_client()
    client.login(make_user())
    background = client.get("/sw.js", headers={"Sec-Fetch-Mode": "same-origin", "Sec-Fetch-Dest": "serviceworker"})
    token = client.get("/auth/csrf-token", headers={"Sec-Fetch-Mode": "cors"})
    for response in (background, token):
        assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith(("session=", "intranet_user="))]
    page = client.get("/", headers={"Sec-Fetch-Mode": "navigate"})
    assert [c for c in page.headers.getlist("Set-Cookie") if c.startswith("session=")]
