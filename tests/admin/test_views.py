"""The admin's users and branches tables: search, inline edit, deactivate; fragments and full pages."""

import pytest

from intranet.access.roles import Role
from intranet.auth.models import User
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
    assert response.status_code == 409  # a conflict with what is stored: the form again, with the reason
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
    assert response.status_code == 409  # a conflict with what is stored: the form again, with the reason
    assert f"The branch code {branch.code} is already used." in page_text(response)


def _kind_record(kind, make_user, make_branch):
    """A record of each kind the admin manages, and how its URLs and elements are named."""
    if kind == "user":
        return make_user(login="worker.one", name="王工"), "users"
    return make_branch(code="TJ-1", name="天津站"), "branches"


@pytest.mark.parametrize("kind", ["user", "branch"])
def test_each_table_opens_an_inline_editor_that_escape_and_cancel_turn_back_into_the_row(
    admin_client, make_user, make_branch, kind
):
    record, plural = _kind_record(kind, make_user, make_branch)
    row_id = f"{kind}-{record.id}"
    editor = admin_client.htmx_get(f"/admin/{plural}/{record.id}/edit", target=row_id).get_data(as_text=True)
    assert f'id="{row_id}" class="editing" data-cancel-on-escape' in editor
    assert f'hx-get="/admin/{plural}/{record.id}" hx-target="#{row_id}"' in editor  # Cancel asks for the row
    assert f'form="{kind}-form-{record.id}"' in editor  # every input belongs to the row's form
    row = admin_client.htmx_get(f"/admin/{plural}/{record.id}", target=row_id).get_data(as_text=True)
    assert f'id="{row_id}"' in row and "editing" not in row and "<html" not in row


@pytest.mark.parametrize("kind", ["user", "branch"])
def test_deactivating_asks_first_and_reactivating_does_not(admin_client, make_user, make_branch, db_session, kind):
    record, plural = _kind_record(kind, make_user, make_branch)
    row_id = f"{kind}-{record.id}"
    english = {"Accept-Language": "en"}
    row = admin_client.htmx_get(f"/admin/{plural}/{record.id}", target=row_id, headers=english)
    assert f'hx-confirm="Deactivate {record.name}?' in row.get_data(as_text=True)
    deactivated = admin_client.post_form(
        f"/admin/{plural}/{record.id}/active", {"active": "0"}, headers={"HX-Request": "true", "HX-Target": row_id}
    )
    assert deactivated.status_code == 200 and "hx-confirm" not in deactivated.get_data(as_text=True)
    assert db_session.get(type(record), record.id).active is False


def test_an_admin_is_not_offered_to_deactivate_themselves_and_cannot(admin_client, db_session):
    me = db_session.query(User).filter_by(login="root").one()
    row = admin_client.htmx_get(f"/admin/users/{me.id}", target=f"user-{me.id}").get_data(as_text=True)
    assert "/active" not in row
    refused = admin_client.post_form(f"/admin/users/{me.id}/active", {"active": "0"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and "You cannot deactivate yourself." in page_text(refused)
    assert db_session.get(User, me.id).active is True


def test_a_branch_that_does_not_exist_is_a_404_that_says_so(admin_client):
    response = admin_client.get("/admin/branches/99999/edit", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "No such branch." in page_text(response)


def test_the_branch_search_matches_code_name_or_city_literally(admin_client, make_branch):
    make_branch(code="SZ-1", name="深圳南山站", city="深圳")
    make_branch(code="GZ-1", name="广州天河站", city="广州")
    by_city = page_text(admin_client.htmx_get("/admin/branches?q=深圳", target="branch-table"))
    assert "深圳南山站" in by_city and "广州天河站" not in by_city
    nothing = page_text(admin_client.htmx_get("/admin/branches?q=%25", target="branch-table"))
    assert "深圳南山站" not in nothing  # a % typed in the box is a percent sign, not "anything"
