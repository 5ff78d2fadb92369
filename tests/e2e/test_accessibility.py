"""In Chromium, axe-core over every page each role reaches, in both languages: no serious or critical
violations.

Each role's pages are found the way a person finds them: from the home page, by following every link
on every page (the navigation's menus included), once per kind of page (/jobs/12 and /jobs/40 are
one). Downloads, images and machine endpoints are left out. axe is put into each page by the browser
(an init script, so the app's strict CSP stays as it is); the service worker is blocked so that
warming the technician's offline pages does not compete with the check.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.roles import LANGUAGES, ROLE_LOGINS, signed_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
NOT_PAGES = re.compile(
    r"/export|/exports/|/attachments/|/static/|^/sw\.js|^/healthz|/csrf-token|^/offline/pages|/bell$|/open$|\.(csv|xlsx|png)$"
)
# A role reaches 25 (technician) to 85 (administrator) kinds of page: this only stops a runaway crawl.
MAX_PAGES = 150
SERIOUS = ("serious", "critical")


def kind_of_page(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def links_on(page) -> list[str]:
    return page.eval_on_selector_all(
        "a[href]", "links => links.map(a => a.href).filter(h => h.startsWith(location.origin))"
    )


def serious_violations(page) -> list[str]:
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ["violations"]});
          return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                                 nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
        }"""
    )
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in found if v["impact"] in SERIOUS]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(ROLE_LOGINS))
def test_every_page_of_every_role_passes_axe(browser, live_server, role, language):
    options = {"viewport": {"width": 1280, "height": 800}, "service_workers": "block"}
    with signed_in(browser, live_server, ROLE_LOGINS[role], language, **options) as page:
        page.context.add_init_script(path=str(AXE))
        queue, seen, problems = ["/"], set(), {}
        while queue and len(seen) < MAX_PAGES:
            path = queue.pop(0)
            kind = kind_of_page(urlsplit(path).path)
            if kind in seen or NOT_PAGES.search(urlsplit(path).path):
                continue
            seen.add(kind)
            response = page.goto(path, wait_until="domcontentloaded")  # styles are in: enough for axe
            if (
                response is None
                or response.status >= 400
                or "text/html" not in response.headers.get("content-type", "")
            ):
                continue
            violations = serious_violations(page)
            if violations:
                problems[path] = violations
            for href in links_on(page):
                parts = urlsplit(href)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if kind_of_page(parts.path) not in seen:
                    queue.append(target)
        print(f"axe: {role} in {language}: {len(seen)} kinds of page")
        assert len(seen) >= 5, "the crawl found too few pages: signed in?"
        assert problems == {}, "\n".join(f"{path}:\n  " + "\n  ".join(v) for path, v in problems.items())
