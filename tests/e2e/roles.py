"""Signing in as each role of the demo, in a chosen interface language, for tests that go round them all.

The language menu stores the choice on the account; `signed_in` puts the account's own setting back
afterwards, so tests that rely on the demo users' default language do not depend on the order.
"""

import contextlib

import sqlalchemy as sa

from tests.e2e.conftest import sign_in

# role -> the demo login that holds it (intranet/demo.py)
ROLE_LOGINS = {
    "technician": "tech",
    "receptionist": "reception",
    "storekeeper": "store",
    "manager": "manager",
    "admin": "admin",
}
LANGUAGES = ("en", "zh_Hans")
TABLET_PORTRAIT = {"width": 800, "height": 1280}


def use_language(page, language: str) -> None:
    """Switch with the language menu, as a person would: the choice stays with the account."""
    select = page.locator("#language-select")
    if select.input_value() != language:
        with page.expect_navigation():
            select.select_option(language)


@contextlib.contextmanager
def kept_language(database_url: str, login: str):
    """Whatever language a test chooses for `login`, the account's own setting comes back afterwards."""
    engine = sa.create_engine(database_url)
    users = sa.table("user_account", sa.column("login"), sa.column("locale"))
    try:
        with engine.connect() as connection:
            before = connection.execute(sa.select(users.c.locale).where(users.c.login == login)).scalar()
        yield
        with engine.begin() as connection:
            connection.execute(users.update().where(users.c.login == login).values(locale=before))
    finally:
        engine.dispose()


@contextlib.contextmanager
def signed_in(browser, live_server, login: str, language: str, viewport=TABLET_PORTRAIT, **options):
    """A fresh tablet context signed in as `login`, showing `language`; yields its page."""
    with kept_language(live_server.database_url, login):
        context = browser.new_context(
            viewport=viewport, has_touch=True, base_url=live_server.url, locale="en-US", **options
        )
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            sign_in(page, login)
            use_language(page, language)
            yield page
        finally:
            context.close()
