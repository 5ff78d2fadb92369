"""The admin's users and branches tables: search, inline edit, deactivate; fragments and full pages."""

import pytest

from intranet.auth.models import User
from intranet.auth.roles import Role
from intranet.branches.models import Branch
from tests.conftest import page_text


@pytest.fixture
def admin_client(client, make_user):
    client.login(make_user(Role.ADMIN, login="root"))
    return client


def test_user_search_answers_htmx_with_the_table_only(admin_client, make_user):
    make_user(login="zhang.wei", name="张伟")
    make_user(login="li.jing", name="李静")
    fragment = admin_client.htmx_get("/admin/users?q=张", target="user-table")
    assert fragment.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)
    assert "zhang.wei" in page_text(fragment) and "li.jing" not in page_text(fragment)
    assert "HX-Request" in fragment.headers["Vary"]
    page = admin_client.get("/admin/users?q=张")
    assert "<html" in page.get_data(as_text=True) and "zhang.wei" in page_text(page)


def test_boosted_navigation_and_history_restores_get_the_whole_page(admin_client):
    for header in ("HX-Boosted", "HX-History-Restore-Request"):
        response = admin_client.get(
            "/admin/users", headers={"HX-Request": "true", header: "true", "HX-Target": "user-table"}
        )
        assert "<html" in response.get_data(as_text=True)


def test_search_with_like_wildcards_matches_them_literally(admin_client, make_user):
    make_user(login="a_b", name="下划线")
    make_user(login="axb", name="普通")
    fragment = admin_client.htmx_get("/admin/users?q=a_b", target="user-table")
    assert "a_b" in page_text(fragment) and "axb" not in page_text(fragment)


def test_empty_search_says_nothing_matched(admin_client):
    fragment = admin_client.htmx_get(
        "/admin/users?q=nobody-here", target="user-table", headers={"Accept-Language": "en"}
    )
    assert "No user matches “nobody-here”." in page_text(fragment)


def test_inline_edit_returns_an_editable_row_then_the_saved_row(admin_client, make_user, branch, db_session):
    user = make_user(login="tech.one", name="旧名字")
    editor = admin_client.htmx_get(f"/admin/users/{user.id}/edit", target=f"user-{user.id}")
    assert 'class="editing"' in editor.get_data(as_text=True) and "<html" not in editor.get_data(as_text=True)
    saved = admin_client.post_form(
        f"/admin/users/{user.id}/edit",
        {"login": "tech.one", "name": "新名字", "role": "manager", "branch_id": str(branch.id), "password": ""},
        headers={"HX-Request": "true", "HX-Target": f"user-{user.id}"},
    )
    assert saved.status_code == 200
    assert "新名字" in page_text(saved) and 'class="editing"' not in saved.get_data(as_text=True)
    stored = db_session.get(User, user.id)
    assert (stored.name, stored.role) == ("新名字", "manager")


def test_inline_edit_with_a_taken_login_keeps_the_editor_open_with_the_reason(admin_client, make_user, branch):
    make_user(login="taken")
    user = make_user(login="free")
    response = admin_client.post_form(
        f"/admin/users/{user.id}/edit",
        {"login": "taken", "name": "X", "role": "technician", "branch_id": str(branch.id)},
        headers={"HX-Request": "true", "HX-Target": f"user-{user.id}", "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "The login taken is already taken." in page_text(response)
    assert 'class="editing"' in response.get_data(as_text=True)


def test_deactivating_a_user_signs_them_out_and_marks_the_row(app, admin_client, make_user, db_session):
    user = make_user(login="leaver")
    their_tablet = app.test_client()
    their_tablet.login(user)
    response = admin_client.post_form(
        f"/admin/users/{user.id}/active",
        {"active": "0"},
        headers={"HX-Request": "true", "HX-Target": f"user-{user.id}", "Accept-Language": "en"},
    )
    assert response.status_code == 200 and "Deactivated" in page_text(response)
    assert their_tablet.get("/").status_code == 302
    assert db_session.get(User, user.id).active is False


def test_new_user_page_creates_a_user_who_can_sign_in(app, admin_client, branch):
    response = admin_client.post_form(
        "/admin/users/new",
        {
            "login": "new.tech",
            "name": "新技术员",
            "role": "technician",
            "branch_id": str(branch.id),
            "password": "first-pass-1",
        },
    )
    assert response.status_code == 303
    app.test_client().login(User(login="new.tech"), password="first-pass-1")


def test_new_user_without_password_is_refused(admin_client, branch, db_session):
    response = admin_client.post_form(
        "/admin/users/new",
        {
            "login": "nopass",
            "name": "无密码",
            "role": "technician",
            "branch_id": str(branch.id),
            "password": "",
        },
    )
    assert response.status_code == 422
    assert db_session.query(User).filter_by(login="nopass").count() == 0


def test_branches_can_be_created_edited_inline_and_deactivated(admin_client, db_session):
    created = admin_client.post_form("/admin/branches/new", {"code": "sh-pd", "name": "浦东客服营业厅", "city": "上海"})
    assert created.status_code == 303
    branch = db_session.query(Branch).filter_by(code="SH-PD").one()
    saved = admin_client.post_form(
        f"/admin/branches/{branch.id}/edit",
        {"code": "SH-PD", "name": "浦东营业厅", "city": "上海", "address": "", "phone": ""},
        headers={"HX-Request": "true", "HX-Target": f"branch-{branch.id}"},
    )
    assert saved.status_code == 200 and "浦东营业厅" in page_text(saved)
    admin_client.post_form(f"/admin/branches/{branch.id}/active", {"active": "0"})
    assert db_session.get(Branch, branch.id).active is False


def test_duplicate_branch_code_is_a_clear_error(admin_client, branch):
    response = admin_client.post_form(
        "/admin/branches/new", {"code": branch.code, "name": "重复"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert f"The branch code {branch.code} is already used." in page_text(response)
