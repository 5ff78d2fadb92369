"""In Chromium, in both languages: no raw codes in a job's history, the manual's chapters in the
order of their numbers, and one date style per language."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from intranet.jobs.models import CallbackOutcome, Priority, VisitResult
from tests.e2e.roles import LANGUAGES, signed_in
from tests.e2e.tablet import make_jobs

pytestmark = pytest.mark.e2e

CODES = [member.value for enum in (Priority, VisitResult, CallbackOutcome) for member in enum]
DATE = {"en": r"\d{2}/\d{2}/\d{4}", "zh_Hans": r"\d{4}/\d{2}/\d{2}"}
OTHER_DATE_STYLES = [
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b",
    r"\b\d{1,2}/\d{1,2}/\d{2}\b(?!\d)",  # Babel's English short style, 11/27/26
    r"\d{4}年\d{1,2}月\d{1,2}日",  # Babel's Chinese full style
    r"\b(AM|PM)\b",
]


@pytest.fixture(scope="module")
def live_app(live_server):
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_jobs_history_shows_labels_not_codes(browser, live_server, live_app, language):
    [job_id] = make_jobs(live_app, "tech", 1, f"历史 {uuid.uuid4().hex[:6]}")  # created with priority "normal"
    with signed_in(browser, live_server, "manager", language) as page:
        page.goto(f"/jobs/{job_id}")
        timeline = page.locator(".timeline")
        expect(timeline).to_be_visible()
        text = timeline.inner_text()
        raw = [code for code in CODES if re.search(rf"(?<![\w-]){code}(?![\w-])", text)]
        assert raw == [], f"raw codes in the history: {raw}\n{text}"
        assert ("Normal" if language == "en" else "普通") in text, text  # created the job · Normal


def chinese_chapter_number(title: str) -> int:
    digits = dict(zip("一二三四五六七八九", range(1, 10), strict=True))
    numeral = re.match(r"第(.+?)章", title).group(1)
    if numeral.startswith("十"):
        return 10 + digits.get(numeral[1:], 0)
    tens, _, units = numeral.partition("十")
    return digits[tens] * 10 + digits.get(units, 0) if "十" in numeral else digits[numeral]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_manuals_chapters_follow_their_numbers(browser, live_server, language):
    with signed_in(browser, live_server, "tech", language) as page:
        page.goto("/kb")
        headings = page.locator("main section h3").all_inner_texts()
        numbered = [title for title in headings if re.match(r"第.+?章", title)]
        assert len(numbered) >= 9, headings
        numbers = [chinese_chapter_number(title) for title in numbered]
        assert numbers == sorted(numbers), headings
        assert headings[: len(numbered)] == numbered  # chapters without a number come after


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_have_one_style_per_language(browser, live_server, language):
    pages = {"tech": ["/today", "/inspections"], "manager": ["/jobs", "/inspections", "/parts/requests"]}
    for login, paths in pages.items():
        with signed_in(browser, live_server, login, language) as page:
            page.goto(paths[0])
            paths = [*paths, page.locator("main a[href^='/jobs/']").first.get_attribute("href")]  # a job's page
            for path in paths:
                page.goto(path)
                text = page.locator("main").inner_text()
                assert re.search(DATE[language], text), (path, text[:500])
                for style in OTHER_DATE_STYLES:
                    assert not re.search(style, text), (path, style, re.search(style, text).group(0))
            if login == "tech":
                page.goto("/today")
                weekday = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)" if language == "en" else "星期."
                heading_date = page.locator(".page-head p.muted").first.inner_text()
                day = rf"^{weekday} {DATE['en']}$" if language == "en" else rf"^{DATE['zh_Hans']} {weekday}$"
                assert re.match(day, heading_date), heading_date
