"""The VAPID key pair: made once into instance/, or given in VAPID_PRIVATE_KEY; the browser's form of the public key."""

import base64

from py_vapid import Vapid

from intranet.notifications import vapid


def test_the_key_is_made_once_and_kept_private(tmp_path):
    path, made = vapid.make_keys(str(tmp_path))
    assert made and path.stat().st_mode & 0o777 == 0o600
    first = path.read_bytes()
    assert vapid.make_keys(str(tmp_path)) == (path, False) and path.read_bytes() == first
    assert vapid._load(None, str(tmp_path)) is not None


def test_the_public_key_is_what_push_manager_subscribe_wants(app, db_session):
    key = Vapid()
    key.generate_keys()
    app.config["VAPID_PRIVATE_KEY"] = key.private_pem().decode()
    app.extensions.pop("vapid", None)
    try:
        raw = base64.urlsafe_b64decode(vapid.application_server_key() + "==")
        assert len(raw) == 65 and raw[0] == 4  # an uncompressed P-256 point
        assert vapid.application_server_key() == vapid.public_key_of(key)
    finally:
        app.config["VAPID_PRIVATE_KEY"] = None
        app.extensions.pop("vapid", None)


def test_without_a_key_the_app_offers_no_push(app, db_session, tmp_path):
    assert vapid._load(None, str(tmp_path)) is None


def test_the_commands_are_there(app):
    runner = app.test_cli_runner()
    assert "consumer" in runner.invoke(args=["queue", "--help"]).output
    app.config["VAPID_PRIVATE_KEY"] = "set elsewhere"
    try:
        assert "nothing to make" in runner.invoke(args=["vapid-keys"]).output
    finally:
        app.config["VAPID_PRIVATE_KEY"] = None
