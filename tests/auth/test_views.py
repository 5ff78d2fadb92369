"""Signing in and out, the lock-out, remember-me, password change and CSRF, through HTTP."""

from intranet.auth.models import LoginAttempt
from intranet.auth.roles import Role
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


def test_the_csrf_token_endpoint_is_never_cached(client):
    response = client.get("/auth/csrf-token")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["token"]
