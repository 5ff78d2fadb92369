"""Acceptance for the dashboard in Chromium: a manager's charts at both tablet sizes with no console
error or CSP violation, a figure's link to its rows, and the printed report with its charts and tables."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_the_dashboard_shows_its_charts_and_leads_to_the_rows(new_page):
    page = new_page()
    sign_in(page, "manager")
    page.goto("/dashboard")
    charts = page.locator("svg.chart-svg")
    assert charts.count() >= 6
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 20, "every chart is drawn"
    expect(page.locator(".chart-bar").first).to_be_visible()
    assert page.locator("table.chart-data").count() == charts.count(), "every chart has its numbers as a table"
    viewport = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport, "no sideways scrolling"

    done = page.locator('[data-figure="jobs.done"] a.figure-value')
    count = int(done.inner_text())
    done.click()
    page.wait_for_url("**/jobs?**")
    expect(page.locator(".table-count")).to_contain_text(str(count))


def test_the_printed_report_has_its_charts_and_tables(new_page, tmp_path):
    page = new_page(locale="en-US")
    sign_in(page, "manager")
    page.goto("/dashboard/reports/operations")
    page.emulate_media(media="print")
    expect(page.locator("form.period-picker")).to_be_hidden()
    expect(page.locator("table.chart-data").first).to_be_visible()  # the numbers print under each chart
    pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert page.locator("svg.chart-svg").count() >= 4
    assert page.locator(".dashboard-table table").count() >= 1


def test_exports_stream_from_the_real_server(new_page):
    """Through the real server the request's context is gone before the file is written: every row
    must come through the export's own session (a test client's outer app context would hide that)."""
    page = new_page()
    sign_in(page, "manager")
    page.goto("/dashboard")
    report = page.locator('[data-table="manual.articles"] a').first.get_attribute("href")
    for path in ("/jobs/export.csv", "/jobs/reports/export.xlsx", "/callbacks/log/export.csv", f"{report}.csv"):
        response = page.request.get(path)
        assert response.status == 200, path
        body = response.body()
        assert body.startswith(b"\xef\xbb\xbf") or body.startswith(b"PK"), path
        if path.endswith(".csv"):
            assert len(body.decode("utf-8-sig").splitlines()) > 1, path


def test_the_front_desks_figures_lead_to_their_register_and_its_file(new_page, tmp_path):
    """A desk figure's link opens the register with exactly its rows; its CSV link downloads a file
    (a plain link: htmx does not swallow it) and the page stays."""
    page = new_page()
    sign_in(page, "manager")
    page.goto("/dashboard?period=quarter")
    figure = page.locator('[data-figure="desk.appointments"] a.figure-value')
    count = int(figure.inner_text())
    assert count > 0, "the demo books appointments around today"
    figure.click()
    page.wait_for_url("**/appointments/register?**")
    expect(page.locator(".table-count")).to_contain_text(str(count))
    register = page.url
    with page.expect_download() as download:
        page.locator('a[data-export="csv"]').click()
    saved = tmp_path / "appointments.csv"
    download.value.save_as(saved)
    assert len(saved.read_text(encoding="utf-8-sig").splitlines()) == count + 1
    assert page.url == register
