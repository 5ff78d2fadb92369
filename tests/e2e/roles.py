"""Signing in as each role of the demo, in a chosen interface language, for tests that go round them all."""

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


def open_as(browser, base_url: str, login: str, language: str, viewport=TABLET_PORTRAIT):
    """A fresh tablet context signed in as `login`, showing `language`: (context, page)."""
    context = browser.new_context(viewport=viewport, has_touch=True, base_url=base_url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, login)
    use_language(page, language)
    return context, page
