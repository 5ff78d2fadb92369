"""What running behind nginx needs from the app, checked without starting it: the client's address from a
trusted proxy only, static addresses that change with their file, and an nginx configuration nginx accepts."""

import shutil
import subprocess

from flask import url_for

from deploy.scale_out import NGINX, ScaleOut
from intranet import create_app
from intranet.auth.models import LoginAttempt
from intranet.extensions import db
from intranet.static_files import digest_of

FORWARDED = {"X-Forwarded-For": "203.0.113.9"}


def failed_sign_in(client) -> None:
    answer = client.post_form("/login", data={"login": "nobody", "password": "wrong"}, headers=FORWARDED)
    assert answer.status_code == 422  # the failed attempt is kept all the same: it counts towards the lock-out


def test_without_a_trusted_proxy_a_client_cannot_choose_the_address_the_lock_out_counts(client, db_session):
    failed_sign_in(client)
    assert db_session.query(LoginAttempt.address).scalar() == "127.0.0.1"


def test_behind_one_trusted_proxy_the_lock_out_counts_the_address_it_forwards(app, db_session):
    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1})
    proxied.test_client_class = app.test_client_class
    try:
        failed_sign_in(proxied.test_client())
    finally:
        with proxied.app_context():
            db.engine.dispose()
    assert db_session.query(LoginAttempt.address).scalar() == "203.0.113.9"


def test_a_static_address_carries_its_files_digest_which_changes_with_the_file(app, client, tmp_path):
    with app.test_request_context():
        address, page = url_for("static", filename="css/app.css"), url_for("auth.login")
    assert page == "/login" and address == f"/static/css/app.css?v={digest_of(app.static_folder, 'css/app.css')}"
    assert f'href="{address}"' in client.get("/login").get_data(as_text=True)  # templates build the same
    (tmp_path / "a.js").write_text("one")
    first = digest_of(str(tmp_path), "a.js")
    (tmp_path / "a.js").write_text("two!")
    assert digest_of(str(tmp_path), "a.js") != first and digest_of(str(tmp_path), "missing.js") is None


def test_nginx_accepts_the_scale_out_configuration(tmp_path):
    assert shutil.which(NGINX), "nginx is missing: scripts/ensure-test-services installs it"
    setup = ScaleOut("postgresql://unused", tmp_path)
    config = tmp_path / "nginx" / "nginx.conf"
    config.write_text(setup.nginx_config())
    assert "@" not in config.read_text()  # every placeholder filled
    error_log = tmp_path / "nginx" / "logs" / "error.log"
    command = [NGINX, "-t", "-p", str(tmp_path / "nginx"), "-c", str(config), "-e", str(error_log)]
    checked = subprocess.run(command, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
