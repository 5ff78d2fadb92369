"""Required reading: who is asked, acknowledgement, asking again, the report, votes, history and diffs."""

import re
import uuid

import pytest
from sqlalchemy import select

from intranet.access.roles import Role
from intranet.errors import Invalid
from intranet.kb import publishing, reading, service, votes
from intranet.kb.diff import diff_revisions
from intranet.kb.models import Acknowledgement, Article
from tests.conftest import page_text


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def republish(article, body, required, db_session, summary="修订"):
    publishing.save_draft(
        None, article, publishing.ArticleData(title=article.title, body=body, required_read=article.required_read)
    )
    revision = publishing.publish(None, article, summary, required=required)
    db_session.commit()
    return revision


def test_a_required_revision_asks_its_audience_and_a_newer_one_asks_again(make_article, make_user, db_session):
    technician = make_user(Role.TECHNICIAN)
    article = make_article(title="值班制度", body="第一版", required=True, roles=["technician"])
    receptionist = make_user(Role.RECEPTIONIST)
    assert reading.to_read(technician) == [article]
    assert reading.to_read(receptionist) == []  # not meant for them
    reading.acknowledge(technician, article)
    db_session.commit()
    assert reading.to_read(technician) == []
    republish(article, "改了一个错字", required=False, db_session=db_session)
    assert reading.to_read(technician) == []  # a minor revision does not ask again
    republish(article, "新规定", required=True, db_session=db_session)
    assert reading.to_read(technician) == [article]
    assert reading.to_read_count(technician) == 1


def test_reading_one_article_settles_it_whatever_another_articles_revision_number(make_article, make_user, db_session):
    technician = make_user(Role.TECHNICIAN)
    rules = make_article(title="值班制度", body="第一版", required=True, roles=["technician"])
    safety = make_article(title="高空作业", body="第一版", required=True, roles=["technician"])
    for body in ("第二版", "第三版"):  # the safety rules are at their third required revision
        republish(safety, body, required=True, db_session=db_session)
    reading.acknowledge(technician, rules)
    db_session.commit()
    # Only the safety rules are left to read: the duty rules' first revision was read and is their latest.
    assert reading.to_read(technician) == [safety]
    assert reading.to_read_count(technician) == 1


def test_acknowledging_twice_records_once(make_article, make_user, db_session):
    technician = make_user(Role.TECHNICIAN)
    article = make_article(required=True)
    reading.acknowledge(technician, article)
    reading.acknowledge(technician, article)
    db_session.commit()
    assert db_session.query(Acknowledgement).count() == 1


def test_branch_audience(make_article, make_user, make_branch, db_session):
    other = make_branch()
    here = make_user(Role.TECHNICIAN)
    there = make_user(Role.TECHNICIAN, branch=other)
    article = make_article(required=True, branch_ids=[other.id])
    assert reading.to_read(here) == []
    assert reading.to_read(there) == [article]


def test_report_per_branch_for_the_managers_own_branch(make_article, make_user, make_branch, manager, db_session):
    other = make_branch()
    read = make_user(Role.TECHNICIAN, name="甲")
    make_user(Role.TECHNICIAN, name="乙")
    make_user(Role.TECHNICIAN, name="丙", branch=other)
    admin = make_user(Role.ADMIN)
    article = make_article(required=True, roles=["technician"])
    reading.acknowledge(read, article)
    db_session.commit()
    number, branches = reading.reading_report(manager, article)
    assert number == 1
    assert len(branches) == 1  # the manager's branch only
    states = {reader.user.name: reader.acknowledged_at is not None for reader in branches[0].readers}
    assert states == {"甲": True, "乙": False}
    assert branches[0].done == 1
    _, all_branches = reading.reading_report(admin, article)
    assert len(all_branches) == 2
    republish(article, "第二版", required=True, db_session=db_session)
    _, branches = reading.reading_report(manager, article)
    assert branches[0].done == 0


def test_publishing_needs_a_summary_and_a_change(make_article, db_session):
    article = make_article()
    with pytest.raises(Invalid):
        publishing.publish(None, article, "", required=False)
    with pytest.raises(Invalid):
        publishing.publish(None, article, "没改", required=False)


def test_votes_count_once_per_user(make_article, make_user, db_session):
    article = make_article()
    one, two = make_user(Role.TECHNICIAN), make_user(Role.TECHNICIAN)
    votes.vote(one, article, True)
    votes.vote(two, article, True)
    votes.vote(one, article, False)
    db_session.commit()
    assert (article.helpful_count, article.unhelpful_count) == (1, 1)


def test_diff_between_revisions(make_article, db_session):
    article = make_article(title="交接班", body="一、核对钥匙\n二、填写日志")
    republish(article, "一、核对钥匙\n二、填写交接日志\n三、检查门窗", required=False, db_session=db_session)
    old, new = service.get_revision(article, 1), service.get_revision(article, 2)
    lines = diff_revisions(old, new)
    assert [(line.kind, line.text) for line in lines if line.kind != "same"] == [
        ("removed", "二、填写日志"),
        ("added", "二、填写交接日志"),
        ("added", "三、检查门窗"),
    ]


def test_views_acknowledge_vote_history_and_diff(client, make_article, make_user, manager, db_session):
    technician = make_user(Role.TECHNICIAN)
    article = make_article(title="回访制度", body="三天内回访", required=True)
    republish(article, "两天内回访", required=True, db_session=db_session)
    client.login(technician)
    assert "回访制度" in client.get("/kb/to-read").get_data(as_text=True)
    assert "data-kb-to-read" in client.get("/").get_data(as_text=True)
    page = client.get(f"/kb/{article.id}").get_data(as_text=True)
    assert "data-kb-acknowledge" in page and 'name="client_id"' in page and "data-offline" in page
    key = {"client_id": str(uuid.uuid4())}
    response = client.post_form(
        f"/kb/{article.id}/acknowledge", key, headers={"HX-Request": "true", "HX-Target": "kb-acknowledge"}
    )
    assert response.status_code == 200 and "data-kb-acknowledged" in response.get_data(as_text=True)
    replayed = client.post_form(f"/kb/{article.id}/acknowledge", key, headers={"X-Outbox": "1"})
    assert replayed.status_code == 303 and replayed.headers["Idempotent-Replayed"] == "true"
    assert db_session.query(Acknowledgement).filter_by(user_id=technician.id).count() == 1
    assert "data-kb-nothing-to-read" in client.get("/kb/to-read").get_data(as_text=True)
    response = client.post_form(f"/kb/{article.id}/vote", {"helpful": "yes"})
    assert response.status_code == 303
    assert client.post_form(f"/kb/{article.id}/vote", {"helpful": "maybe"}).status_code == 422
    history = page_text(client.get(f"/kb/{article.id}/history"))
    assert "第一版" in history and "修订" in history  # both revisions, with what changed
    assert "两天内回访" in page_text(client.get(f"/kb/{article.id}/diff?old=1&new=2"))
    diff = client.htmx_get(f"/kb/{article.id}/diff?old=1&new=2", target="kb-diff")
    text = diff.get_data(as_text=True)
    assert diff.status_code == 200 and "diff-added" in text and "<html" not in text
    assert client.get(f"/kb/{article.id}/diff?old=1&new=9").status_code == 404
    assert client.get(f"/kb/{article.id}/diff?old=x&new=2").status_code == 422
    db_session.refresh(article)
    assert article.view_count == 1


def test_editing_and_publishing_through_the_form(client, manager, make_branch, db_session):
    client.login(manager)
    response = client.post_form(
        "/kb/new", {"title": "新文章", "body": "正文", "chapter": "第二章 服务", "action": "save"}
    )
    assert response.status_code == 303
    edit_url = response.headers["Location"]
    article_id = int(edit_url.rstrip("/").split("/")[-2])
    response = client.post_form(edit_url, {"title": "新文章", "body": "正文", "action": "publish"})
    assert response.status_code == 422  # no change summary
    response = client.post_form(
        edit_url,
        {"title": "新文章", "body": "正文", "action": "publish", "change_summary": "首次发布", "required_read": "y"},
    )
    assert response.status_code == 303
    article = service.get_article(manager, article_id)
    assert article.is_published and article.current_revision.required


def test_a_technician_cannot_see_drafts_or_articles_for_others(client, make_article, make_user):
    technician = make_user(Role.TECHNICIAN)
    draft = make_article(publish=False)
    managers_only = make_article(title="经理须知", roles=["manager"])
    client.login(technician)
    assert client.get(f"/kb/{draft.id}").status_code == 404
    assert client.get(f"/kb/{managers_only.id}").status_code == 404
    assert client.get(f"/kb/{managers_only.id}/edit").status_code == 403
    assert client.post_form(f"/kb/{managers_only.id}/acknowledge", {"client_id": str(uuid.uuid4())}).status_code == 404


def test_images_attach_to_the_text_and_follow_the_articles_audience(client, app, manager, make_user, db_session):
    import io

    from tests.conftest import image_bytes

    client.login(manager)
    response = client.post_form(
        "/kb/new",
        {"title": "接线图", "body": "见下图。", "action": "save", "image": (io.BytesIO(image_bytes()), "wiring.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    article = db_session.scalar(select(Article).where(Article.title == "接线图"))
    image_url = re.search(r"\((/attachments/\d+)\)", article.draft_body).group(1)
    assert client.get(image_url).status_code == 200
    reader = app.test_client()
    reader.login(make_user(Role.TECHNICIAN))
    assert reader.get(image_url).status_code == 403  # a draft's image is not for readers yet
    publishing.publish(manager, article, "发布", required=False)
    db_session.commit()
    assert reader.get(image_url).status_code == 200
    assert f'src="{image_url}"' in reader.get(f"/kb/{article.id}").get_data(as_text=True)
