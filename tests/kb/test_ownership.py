"""An article belongs to its author's branch (or head office): only that branch's managers and the
administrators change, publish or unpublish it; unpublishing takes it away from readers."""

from intranet.access.roles import Role
from intranet.audit.models import AuditEvent
from intranet.kb import publishing, service
from intranet.kb.models import Article, ArticleStatus
from tests.conftest import page_text

EN = {"Accept-Language": "en"}


def write(client, title="本站规定", audience=()):
    data = {"title": title, "body": "正文", "action": "publish", "change_summary": "首次发布"}
    if audience:
        data["branches"] = [str(branch.id) for branch in audience]
    response = client.post_form("/kb/new", data)
    assert response.status_code == 303
    return int(response.headers["Location"].rstrip("/").split("/")[-2])


def test_only_the_authors_branch_and_administrators_edit_an_article(app, db_session, make_user, make_branch):
    other = make_branch(code="SH-PD", name="浦东")
    author, colleague = make_user(Role.MANAGER), make_user(Role.MANAGER)
    elsewhere = make_user(Role.MANAGER, branch=other)
    admin = make_user(Role.ADMIN)
    clients = {}
    for name, user in {"author": author, "colleague": colleague, "elsewhere": elsewhere, "admin": admin}.items():
        clients[name] = app.test_client()
        clients[name].login(user)

    # Aimed only at the other branch, it still belongs to the author's.
    article_id = write(clients["author"], audience=[other])
    article = db_session.get(Article, article_id)
    assert article.branch_id == author.branch_id

    rewrite = {"title": "改写", "body": "别人的文字", "action": "publish", "change_summary": "改写"}
    assert clients["elsewhere"].get(f"/kb/{article_id}/edit").status_code == 403
    assert clients["elsewhere"].post_form(f"/kb/{article_id}/edit", rewrite).status_code == 403
    assert clients["elsewhere"].post_form(f"/kb/{article_id}/unpublish", {"reason": "x"}).status_code == 403
    assert "/edit" not in clients["elsewhere"].get(f"/kb/{article_id}").get_data(as_text=True)
    db_session.refresh(article)
    assert article.title == "本站规定" and len(article.revisions) == 1

    assert clients["colleague"].get(f"/kb/{article_id}/edit").status_code == 200
    assert clients["admin"].post_form(f"/kb/{article_id}/edit", rewrite).status_code == 303
    db_session.refresh(article)
    assert article.title == "改写" and len(article.revisions) == 2


def test_head_office_articles_are_the_administrators(db_session, make_user, make_article):
    article = make_article()  # written by the system (the demo, an import): head office's
    assert article.branch_id is None
    manager, admin = make_user(Role.MANAGER), make_user(Role.ADMIN)
    assert publishing.create_article(admin, publishing.ArticleData(title="总部", body="")).branch_id is None
    from intranet.access.permissions import can

    assert not can(manager, "kb.edit", article) and can(admin, "kb.edit", article)


def test_unpublishing_takes_the_article_from_readers_and_search(app, db_session, make_user):
    manager, reader = make_user(Role.MANAGER), make_user(Role.TECHNICIAN)
    writer = app.test_client()
    writer.login(manager)
    article_id = write(writer, title="冬季巡检 注意事项")
    technician = app.test_client()
    technician.login(reader)
    assert technician.get(f"/kb/{article_id}").status_code == 200
    assert "Unpublish" in page_text(writer.get(f"/kb/{article_id}/edit", headers=EN))

    withdraw = {"reason": "规定已作废"}
    assert technician.post_form(f"/kb/{article_id}/unpublish", withdraw).status_code == 403
    assert writer.post_form(f"/kb/{article_id}/unpublish", {"reason": " "}).status_code == 422
    response = writer.post_form(f"/kb/{article_id}/unpublish", withdraw, headers=EN)
    assert response.status_code == 303
    assert "no longer published" in page_text(writer.get(response.headers["Location"], headers=EN))
    db_session.expire_all()
    article = db_session.get(Article, article_id)
    assert article.status == ArticleStatus.DRAFT and len(article.revisions) == 1
    assert technician.get(f"/kb/{article_id}").status_code == 404
    assert service.search_articles(reader, "巡检")[1] == []
    assert writer.post_form(f"/kb/{article_id}/unpublish", withdraw).status_code == 409  # already off
    logged = db_session.query(AuditEvent).filter_by(action="article.unpublished", target_id=article_id).one()
    assert "规定已作废" in logged.detail
