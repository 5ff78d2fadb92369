"""In Chromium, on tablet viewports: sign-in, live search, customer forms, inline admin edits, language."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_receptionist_finds_a_customer_live_and_records_a_new_one(new_page):
    page = new_page(locale="zh-CN")
    sign_in(page, "reception")
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_text("工作", exact=True).click()  # the Work menu
    nav.get_by_role("link", name="客户").click()
    expect(page.get_by_role("heading", name="客户", exact=True)).to_be_visible()

    # The search swaps only the results: a value set on window survives, so the page was not reloaded.
    page.evaluate("window.__notReloaded = true")
    page.fill("#customer-search", "燃气")
    expect(page.locator("#customer-results")).to_contain_text("华远燃气丰台营业厅")
    expect(page.locator("#customer-results")).not_to_contain_text("顺达汽车维修有限公司")
    assert page.evaluate("window.__notReloaded") is True
    assert "q=" in page.url  # the search is in the address, so reload and back keep it

    page.get_by_role("link", name=re.compile("华远燃气丰台营业厅")).click()
    expect(page.get_by_role("heading", name="华远燃气丰台营业厅")).to_be_visible()
    expect(page.get_by_text("RW8-2024-0612")).to_be_visible()

    page.goto("/customers/new")
    page.get_by_label("名称").fill("丰台区方庄社区卫生服务中心")
    page.get_by_label("电话").fill("abc")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field.has-error")).to_contain_text("只能")  # the phone error, in Chinese
    page.get_by_label("电话").fill("010-6761 2345")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="丰台区方庄社区卫生服务中心")).to_be_visible()
    expect(page.locator(".flash-success")).to_be_visible()

    page.get_by_role("link", name="添加服务地点").click()
    page.get_by_label("服务地点名称").fill("门诊楼")
    page.get_by_label("地址").fill("北京市丰台区方庄路 8 号")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="门诊楼")).to_be_visible()


def test_admin_edits_a_user_inline_and_deactivates_them(new_page):
    page = new_page(locale="en-US")
    sign_in(page, "admin")
    page.goto("/admin/users")
    page.fill("#user-search", "tech2")
    expect(page.locator(".table-count")).to_have_text("1 user")  # the live search has answered
    row = page.locator("tbody tr", has_text="tech2")
    row.get_by_role("link", name="Edit").click()
    editor = page.locator("tr.editing")
    expect(editor).to_be_visible()
    expect(editor.get_by_label("Login")).to_be_focused()  # keyboard users can type at once
    editor.get_by_label("Name").fill("刘洋(组长)")
    editor.get_by_role("button", name="Save").click()
    saved = page.locator("tbody tr", has_text="tech2")
    expect(saved).to_contain_text("刘洋(组长)")
    expect(page.locator("tr.editing")).to_have_count(0)

    saved.get_by_role("link", name="Edit").click()
    page.locator("tr.editing").get_by_label("Name").press("Escape")  # Escape cancels the edit
    expect(page.locator("tr.editing")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tbody tr", has_text="tech2").get_by_role("button", name="Deactivate").click()
    expect(page.locator("tbody tr", has_text="tech2")).to_contain_text("Deactivated")

    page.locator("tbody tr", has_text="tech2").get_by_role("button", name="Reactivate").click()
    expect(page.locator("tbody tr", has_text="tech2")).to_contain_text("Active")


def test_language_switch_changes_every_label(new_page):
    page = new_page(locale="zh-CN")
    sign_in(page, "manager")
    page.goto("/customers")
    expect(page.get_by_role("heading", name="客户", exact=True)).to_be_visible()
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Customers", exact=True)).to_be_visible()
    assert page.url.endswith("/customers")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("Good day"))).to_be_visible()
    page.get_by_label("Language").select_option("zh_Hans")
    expect(page.get_by_role("heading", name=re.compile("您好"))).to_be_visible()


def test_technician_navigation_shows_only_what_they_may_open(new_page):
    page = new_page(locale="en-US")
    sign_in(page, "tech")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Work", exact=True).click()  # the Work menu
    expect(nav.get_by_role("link", name="Customers")).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)
    response = page.goto("/admin/users")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_wrong_password_then_sign_in_and_out(new_page):
    page = new_page(locale="en-US")
    page.goto("/customers")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("#login", "reception")
    page.fill("#password", "not-the-password")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".form-errors")).to_contain_text("Wrong login or password.")
    # The form came back in an htmx swap: typing before it settles would race htmx's focus restoring.
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.fill("#password", "demo1234")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"^[^?]*/customers$"))  # not /login?next=/customers
    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    expect(page.locator(".flash")).to_contain_text("You have signed out.")
