"""The field-service intranet: create_app builds the Flask application."""

from pathlib import Path

from flask import Flask

from intranet.config import secret_key_from, settings_from_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(settings_from_environment(Path(app.instance_path)))
    app.config.update(overrides or {})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secret_key_from(Path(app.instance_path))

    from intranet import cli, compression, errorhandlers, security, sqlite  # noqa: F401  (sqlite: engine events)
    from intranet.extensions import babel, csrf, db, htmx, migrate
    from intranet.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    _init_login(app)

    _register_blueprints(app)
    _register_template_globals(app)
    errorhandlers.register(app)
    security.register(app)
    compression.register(app)
    cli.register(app)
    _check_every_route_is_guarded(app)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from intranet.auth.service import load_user
    from intranet.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    from intranet.admin import blueprint as admin
    from intranet.attachments import blueprint as attachments
    from intranet.auth import blueprint as auth
    from intranet.customers import blueprint as customers
    from intranet.inspections import blueprint as inspections
    from intranet.jobs import blueprint as jobs
    from intranet.kb import blueprint as kb
    from intranet.main import blueprint as main
    from intranet.offline import blueprint as offline
    from intranet.parts import blueprint as parts

    for blueprint in (main, auth, admin, customers, jobs, inspections, parts, kb, attachments, offline):
        app.register_blueprint(blueprint)


def _register_template_globals(app: Flask) -> None:
    from flask_babel import get_locale
    from flask_login import current_user

    from intranet import templating
    from intranet.i18n import LOCALE_NAMES
    from intranet.navigation import navigation_for

    templating.register(app)

    @app.context_processor
    def layout_context():
        return {
            "main_navigation": navigation_for(current_user) if current_user.is_authenticated else [],
            "locale_names": LOCALE_NAMES,
            "get_locale": get_locale,
        }


def _check_every_route_is_guarded(app: Flask) -> None:
    from intranet.auth.permissions import unguarded_endpoints

    missing = unguarded_endpoints(app)
    if missing:
        raise RuntimeError(f"routes without @requires(...) or @public: {', '.join(missing)}")
