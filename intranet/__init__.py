"""The field-service intranet: create_app builds the Flask application."""

from pathlib import Path

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from intranet import (  # noqa: F401 (sqlite: engine events)
    cli,
    compression,
    driver_tuning,
    errorhandlers,
    routing,
    schedule,
    security,
    sqlite,
    static_files,
    task_queue,
    templating,
)
from intranet.access.permissions import unguarded_endpoints
from intranet.admin import blueprint as admin
from intranet.attachments import blueprint as attachments
from intranet.auth import blueprint as auth
from intranet.auth.service import load_user
from intranet.config import secret_key_from, settings_from_environment
from intranet.customers import blueprint as customers
from intranet.dashboard import blueprint as dashboard
from intranet.downloads import blueprint as downloads
from intranet.extensions import babel, csrf, db, htmx, login_manager, migrate
from intranet.frontdesk import blueprint as frontdesk
from intranet.i18n import LOCALE_NAMES, select_locale, select_timezone
from intranet.inspections import blueprint as inspections
from intranet.jobs import blueprint as jobs
from intranet.kb import blueprint as kb
from intranet.main import blueprint as main
from intranet.navigation import menu_for
from intranet.notifications import blueprint as notifications
from intranet.offline import blueprint as offline
from intranet.parts import blueprint as parts
from intranet.sessions import PageRefreshedSessions
from intranet.unit_of_work import TransactionalFlask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    app = TransactionalFlask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(settings_from_environment(Path(app.instance_path)))
    app.config.update(overrides or {})
    app.session_interface = PageRefreshedSessions()
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secret_key_from(Path(app.instance_path))

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        driver_tuning.cache_long_statements()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    _init_login(app)
    task_queue.init_app(app)

    routing.register(app)  # before the blueprints: their <int:...> ids are bounded
    _register_blueprints(app)
    _register_template_globals(app)
    errorhandlers.register(app)
    security.register(app)
    compression.register(app)
    static_files.register(app)
    cli.register(app)
    _check_every_route_is_guarded(app)
    return app


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    blueprints = (main, auth, admin, dashboard, frontdesk, customers, jobs, inspections, parts, kb, attachments)
    for blueprint in (*blueprints, downloads, offline, notifications):
        app.register_blueprint(blueprint)


def _register_template_globals(app: Flask) -> None:
    templating.register(app)

    @app.context_processor
    def layout_context():
        return {
            "main_navigation": menu_for(current_user, request.endpoint) if current_user.is_authenticated else None,
            "locale_names": LOCALE_NAMES,
            "get_locale": get_locale,
        }


def _check_every_route_is_guarded(app: Flask) -> None:
    missing = unguarded_endpoints(app)
    if missing:
        raise RuntimeError(f"routes without @requires(...) or @public: {', '.join(missing)}")
