"""Headers on every page, and pages that the CSP can protect: no inline script, no inline handlers."""

import re

from intranet.access.roles import Role

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def test_csp_forbids_inline_script_and_framing(client):
    response = client.get("/login")
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_lax(client, make_user):
    response = client.login(make_user())
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    cookie = cookies["session"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    # Its readable companion says who is signed in (the service worker reads it) and nothing more.
    assert "HttpOnly" not in cookies["intranet_user"] and "SameSite=Lax" in cookies["intranet_user"]


def test_secure_cookies_can_be_switched_on(monkeypatch, tmp_path):
    from intranet import create_app

    monkeypatch.setenv("SECURE_COOKIES", "1")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert "Strict-Transport-Security" in app.test_client().get("/login").headers


def test_no_page_has_inline_script_or_event_handlers(app, client, make_user, url_values):
    client.login(make_user(Role.ADMIN))
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.build({arg: url_values[arg] for arg in rule.arguments}, append_unknown=False)[1]
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
        checked += 1
    assert checked >= 10


def test_pages_are_private_and_static_files_cacheable(client):
    assert client.get("/login").headers["Cache-Control"] == "private, no-cache"
    assert "private" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_secret_key_is_generated_once_and_kept(tmp_path):
    from intranet.config import secret_key_from

    first = secret_key_from(tmp_path)
    assert len(first) >= 64 and secret_key_from(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_scripts_and_style_sheets_carry_no_page_policies(client):
    script = client.get("/static/js/app.js")
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in script.headers and "X-Frame-Options" not in script.headers
    assert "Content-Security-Policy" not in client.get("/static/css/app.css").headers
    # An SVG opened on its own is a document: it keeps the page policy.
    assert "Content-Security-Policy" in client.get("/static/icons/icon.svg").headers
